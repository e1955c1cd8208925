package dev.runbookpilot.importer;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class YamlTextTest {

    @Test
    void quotedScalarsReadBackAsExactlyTheTextWhateverItContains() throws Exception {
        List<String> nasty = List.of("plain", "key: value", "- item", "# not a comment", "'single' \"double\"",
                "back\\slash", "tab\there", "line\nbreak\r\nwindows", "\u0000\u0001\u001F\u007F", "\u0085nel",
                "\u2028\u2029", "\uFEFFbom", "emoji 🚀 👩‍💻", "mojibake Ã¢Å“â€¦", "&anchor *alias !tag %dir @ `",
                "{ flow: [map] }", "null", "true", "0x1F", "", "   leading and trailing   ");
        Map<String, Object> root = new LinkedHashMap<>();
        for (int i = 0; i < nasty.size(); i++) root.put("k" + i, nasty.get(i));
        root.put("list", List.of("a: b", Map.of("name", "x\ny")));
        YamlText y = new YamlText();
        y.map(0, root);
        Map<?, ?> back = new YAMLMapper().readValue(y.text(), Map.class);
        for (int i = 0; i < nasty.size(); i++) assertEquals(nasty.get(i), back.get("k" + i), "entry " + i);
        assertEquals(List.of("a: b", Map.of("name", "x\ny")), back.get("list"));
    }

    @Test
    void keysTakenFromTheChecklistAreQuoted() {
        assertEquals("detection_events", YamlText.key("detection_events"));
        assertEquals("\"odd: key\"", YamlText.key("odd: key"));
    }
}
