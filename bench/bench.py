#!/usr/bin/env python3
"""Runbook Pilot against the tools a DBA would otherwise use, side by side in one run (see docs/benchmarks.md).

Builds its databases on the embedded PostgreSQL (started through the app's own `demo` command) or on a server
given with --db, then runs each measurement and its reference interleaved (ours, theirs, ours, theirs, ...),
repeats, and prints min / median / max of each and the ratio of the medians (ours / theirs). Compare ratios only
within one run: both sides move with the machine's load, their ratio much less.

--launcher PATH runs our CLI rows through an installed or built launcher (installer/build.sh's app image, or
/opt/runbook-pilot/bin/runbook-pilot) and, interleaved with it, through `java -jar`, each as its own row; the window
rows are then timed by installer/first-window.sh for both (see docs/benchmarks.md). --c1 adds a third way: the
same commands with the JIT's first tier only (-XX:TieredStopAtLevel=1).

Needs: python3, java 17, psql and pg_dump (the server's major or newer), Xvfb for the window rows, and the
packaged app (mvn -B -q -DskipTests package); for the verification-suite row, pg_prove, /usr/bin/time and a server
with pgTAP that preloads pg_stat_statements (--suite-db). Not part of `mvn verify`.
"""
import argparse
import datetime
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "runbooks" / "schema-alignment" / "runbook.yaml"
SUITE_SCHEMA = ROOT / "runbooks" / "production-cleanup" / "demo" / "setup.sql"


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def instant(text):
    """Seconds since the epoch of a journal's ISO-8601 instant (nanoseconds cut to what Python reads)."""
    m = re.match(r"(.*T\d\d:\d\d:\d\d)(\.\d+)?Z$", text)
    frac = (m.group(2) or ".0")[:7]
    return datetime.datetime.fromisoformat(m.group(1) + frac + "+00:00").timestamp()


class Rows(list):
    """The result rows; each is also logged as soon as it is measured, so a stopped run keeps what it had."""

    def append(self, row):
        label, ours, theirs = row
        med = statistics.median
        log(f"  {label}: ours median {med(ours):,.0f}" + (f", reference {med(theirs):,.0f}, ratio"
                                                          f" {med(ours) / med(theirs):.2f}x" if theirs else ""))
        super().append(row)


class Bench:
    def __init__(self, args):
        self.args = args
        self.jar = Path(args.jar).resolve()
        self.lib = self.jar.parent / "lib"
        self.tmp = Path(tempfile.mkdtemp(prefix="rp-bench-"))
        self.env = dict(os.environ, RUNBOOK_PILOT_HOME=str(self.tmp / "home"), PGOPTIONS="")
        for k in ("PGHOST", "PGPORT", "PGDATABASE", "PGUSER", "PGSERVICE", "DATABASE_URL"):
            self.env.pop(k, None)
        self.server = None
        self.postmaster = None
        self.last_cpu = None  # (client CPU ms, server CPU ms or None) of the last timed process
        self.last_wait = None  # ms from the last run's first check starting to its result journaled
        self.xvfb = None
        self.rows = Rows()  # (label, ours samples, theirs samples or None)
        self.growth = []    # (label, what n counts, {n: samples})
        self.notes = []
        self.suite_runbook = None  # set when the verification suite's database is built
        self.ways, self.c1_way = self.ways_of(args)

    # ---- how our commands are started -------------------------------------------------------------------------
    def ways_of(self, args):
        """Each way our CLI commands are started: (label, command prefix, extra environment). The first is the
        main one, whose rows keep their plain labels; every other way's rows say which way they took."""
        jar = ("java -jar", ["java", "-jar", str(self.jar)], {})
        c1_flag = "-XX:TieredStopAtLevel=1"
        if not args.launcher:
            ways = [jar]
            c1 = ("java -XX:TieredStopAtLevel=1 -jar", ["java", c1_flag, "-jar", str(self.jar)], {})
        else:
            launcher = Path(args.launcher).resolve()
            self.ensure_archive(launcher)
            ways = [("launcher", [str(launcher)], {}), jar]
            # A launcher takes no JVM flag on its command line; the JVM reads this variable before the launcher's
            # own options (and says so on stderr, which no row reads).
            c1 = ("launcher, TieredStopAtLevel=1", [str(launcher)], {"JAVA_TOOL_OPTIONS": c1_flag})
        # Another build, started the same way as the jar, interleaved with it: a change measured against the build
        # before it in the same run, under the same load.
        other = [("other build, java -jar", ["java", "-jar", str(Path(args.other_jar).resolve())], {})] \
            if args.other_jar else []
        return ways + other + ([c1] if args.c1 else []), c1

    def ensure_archive(self, launcher):
        """An app image's CDS archive is dumped where the image lies, as installing it does (package-hooks.sh
        archive): Java 17 maps it only on the class path it was dumped with. Dumped when missing or not mapped."""
        hooks = launcher.parent.parent / "lib" / "app" / "package-hooks.sh"

        def mapped():
            p = subprocess.run([str(launcher), "--version"], capture_output=True, text=True,
                               env=dict(self.env, JAVA_TOOL_OPTIONS="-Xlog:class+load=info"))
            return re.search(r"dev\.runbookpilot\.cli\.Main source: shared objects file", p.stdout) is not None

        if mapped():
            return
        log(f"dumping the CDS archive of {launcher.parent.parent} ({hooks.name} archive) ...")
        subprocess.run(["sh", str(hooks), "archive"], check=True)
        if not mapped():
            raise SystemExit(f"{launcher} does not map its CDS archive after dumping it")

    # ---- the server -------------------------------------------------------------------------------------------
    def start_server(self):
        self.suite_base = self.base_of(self.args.suite_db or self.args.db)
        if not {"counts", "schema", "windows", "reports"} & set(self.args.only):
            return
        if self.args.db:
            self.base = self.base_of(self.args.db)
            return
        log("starting the embedded PostgreSQL (java -jar ... demo) ...")
        self.server = subprocess.Popen(["java", "-jar", str(self.jar), "demo", str(SAMPLE)], env=self.env,
                                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for line in self.server.stdout:
            m = re.search(r"URL:\s+(postgresql://\S+)", line)
            if m:
                self.base = re.sub(r"/[^/]*$", "", m.group(1))
                break
        else:
            raise SystemExit("the embedded server did not start")

    @staticmethod
    def base_of(uri):
        """A server URI without its database."""
        if not uri:
            return None
        base = uri.rstrip("/")
        return re.sub(r"/[^/@]*$", "", base) if base.count("/") > 2 else base

    def find_postmaster(self):
        """The server's postmaster pid when it runs on this machine (its reaped backends' CPU is what the server
        spent for connections that have closed), else None."""
        try:
            out = subprocess.run(["psql", "-X", "-At", "-d", self.uri("postgres"), "-c", "SHOW data_directory"],
                                 env=self.env, capture_output=True, text=True, check=True).stdout.strip()
            pid = int(Path(out, "postmaster.pid").read_text().splitlines()[0])
            Path(f"/proc/{pid}/stat").read_text()
            return pid
        except (OSError, ValueError, IndexError, subprocess.CalledProcessError):
            return None

    def server_cpu(self):
        """CPU ms of the server's exited backends so far (the postmaster's cutime + cstime), or None."""
        if not self.postmaster:
            return None
        f = Path(f"/proc/{self.postmaster}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(f[13]) + int(f[14])) * 1000 / os.sysconf("SC_CLK_TCK")

    @staticmethod
    def children_cpu():
        r = resource.getrusage(resource.RUSAGE_CHILDREN)
        return (r.ru_utime + r.ru_stime) * 1000

    def uri(self, db):
        return f"{self.suite_base if db == 'bench_suite' or db == 'suite:postgres' else self.base}/{db.split(':')[-1]}"

    def psql(self, db, sql):
        subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", self.uri(db)], input=sql, text=True,
                       env=dict(self.env, PGOPTIONS="-c client_min_messages=warning"), check=True,
                       stdout=subprocess.DEVNULL)

    def create_db(self, db, sql, admin="postgres"):
        self.psql(admin, f"DROP DATABASE IF EXISTS {db} WITH (FORCE); CREATE DATABASE {db};")
        self.psql(db, sql)
        self.psql(db, "VACUUM ANALYZE;")

    # ---- databases --------------------------------------------------------------------------------------------
    def build(self):
        rows_per_table = self.args.rows // 200
        if {"counts", "reports"} & set(self.args.only):
            self.build_counts(rows_per_table)
        if "schema" in self.args.only:
            self.build_schemas()
        if "suite" in self.args.only and self.suite_ready():
            self.build_suite()

    def build_counts(self, rows_per_table):
        log(f"building bench_counts: 200 tables, {self.args.rows:,} rows ...")
        self.create_db("bench_counts", f"""
            DO $$ BEGIN FOR i IN 1..200 LOOP
              EXECUTE format('CREATE TABLE t%s (id bigint PRIMARY KEY, payload text)', lpad(i::text, 4, '0'));
              EXECUTE format('INSERT INTO t%s SELECT g, md5(g::text) FROM generate_series(1, {rows_per_table}) g',
                             lpad(i::text, 4, '0'));
            END LOOP; END $$;""")
        self.create_db("bench_counts_1", f"""
            CREATE TABLE t0001 (id bigint PRIMARY KEY, payload text);
            INSERT INTO t0001 SELECT g, md5(g::text) FROM generate_series(1, {rows_per_table}) g;""")

    def build_schemas(self):
        for n in self.args.sizes:
            log(f"building bench_schema_{n}: {n} tables with PK, FK, CHECK and index each ...")
            self.create_db(f"bench_schema_{n}", f"""
                CREATE TABLE parent (id int PRIMARY KEY);
                INSERT INTO parent SELECT generate_series(1, 10);
                DO $$ BEGIN FOR i IN 1..{n} LOOP
                  EXECUTE format('CREATE TABLE t%s (id int PRIMARY KEY, parent_id int NOT NULL REFERENCES parent,'
                                 ' qty int NOT NULL CHECK (qty >= 0), note text)', lpad(i::text, 4, '0'));
                  EXECUTE format('CREATE INDEX t%s_parent_idx ON t%s (parent_id)', lpad(i::text, 4, '0'),
                                 lpad(i::text, 4, '0'));
                  EXECUTE format('INSERT INTO t%s SELECT g, 1 + g %% 10, g, NULL FROM generate_series(1, 10) g',
                                 lpad(i::text, 4, '0'));
                END LOOP; END $$;""")

    # ---- runbooks ---------------------------------------------------------------------------------------------
    def runbook(self, name, db, checks_yaml):
        d = self.tmp / "runbooks" / name
        d.mkdir(parents=True, exist_ok=True)
        (d / "runbook.yaml").write_text(f"""runbook: Benchmark {name}
version: "1"
target:
  environment: development
  database: {db}
  schema: public
phases:
{checks_yaml}""")
        return d / "runbook.yaml"

    def snapshot_runbook(self, name, db, row_counts):
        rc = "" if row_counts is None else f", rowCounts: {row_counts}"
        return self.runbook(name, db, f"""  - name: Snapshot
    steps:
      - id: snap
        title: Snapshot
        checks:
          - snapshot: {{ name: before{rc} }}
""")

    def checks_runbook(self, name, db, steps, per_step):
        out = ["  - name: Checks", "    steps:"]
        for s in range(steps):
            out += [f"      - id: s{s:02d}", f"        title: Step {s}", "        checks:"]
            for c in range(per_step):
                expect = "= 0" if c == 0 else "= 1"   # one failing check per step, as a real window has
                out.append(f"          - query: {{ name: 'check {s}.{c}', sql: 'SELECT 1', expect: '{expect}' }}")
        return self.runbook(name, db, "\n".join(out) + "\n")

    # ---- runs -------------------------------------------------------------------------------------------------
    def java(self, *args, way=None):
        """Our command line, started the main way or the given one."""
        return [*(way or self.ways[0])[1], *args]

    @staticmethod
    def labelled(label, way, first):
        return label if way is first else f"{label} [{way[0]}]"

    def timed(self, cmd, ok=(0,), way=None, **kw):
        """Whole-process wall time in ms, and peak RSS in MB when /usr/bin/time is there."""
        rss_file = self.tmp / "rss"
        prefix = ["/usr/bin/time", "-f", "%M", "-o", str(rss_file)] if Path("/usr/bin/time").exists() else []
        s0, c0 = self.server_cpu(), self.children_cpu()
        t0 = time.perf_counter()
        env = dict(self.env, **way[2]) if way else self.env
        p = subprocess.run(prefix + cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           **kw)
        ms = (time.perf_counter() - t0) * 1000
        time.sleep(0.2)  # the postmaster reaps the closed connections' backends
        self.last_cpu = (self.children_cpu() - c0, None if s0 is None else self.server_cpu() - s0)
        if p.returncode not in ok:
            raise SystemExit(f"{' '.join(cmd)} exited {p.returncode}:\n{p.stdout[-3000:]}")
        rss = int(rss_file.read_text().split()[-1]) / 1024 if prefix else None
        return ms, rss, p.stdout

    def run_ours(self, runbook, ok=(0,), *more, way=None):
        """Runs a runbook through the CLI; returns the check durations journaled, whole-process ms and peak RSS."""
        sessions = self.tmp / "sessions"
        shutil.rmtree(sessions, ignore_errors=True)
        ms, rss, _ = self.timed(self.java("run", str(runbook), "--db", self.uri(self.db_of(runbook)),
                                          "--session-dir", str(sessions), "--operator", "bench", *more, way=way),
                                ok=ok, way=way)
        durations = []
        journal = next(sessions.glob("*.jsonl"))
        started = None
        self.last_wait = None
        for line in journal.read_text().splitlines():
            e = json.loads(line)
            r = e.get("result")
            if e.get("event") == "checkStarted" and started is None:
                started = e["at"]
            if e.get("event") == "CheckFinished" or (isinstance(r, dict) and "durationMillis" in r):
                durations.append(r["durationMillis"])
                if self.last_wait is None and started is not None:
                    # The first check's start to its result journaled: its duration plus journaling what it
                    # recorded (a snapshot's catalog), which the operator waits for too.
                    self.last_wait = (instant(e["at"]) - instant(started)) * 1000
        return durations, ms, rss, journal

    @staticmethod
    def db_of(runbook):
        return re.search(r"database: (\S+)", runbook.read_text()).group(1)

    # ---- the measurements -------------------------------------------------------------------------------------
    def row_counts(self):
        rb200 = self.snapshot_runbook("counts200", "bench_counts", None)
        rb1 = self.snapshot_runbook("counts1", "bench_counts_1", None)
        counts_sql = self.tmp / "counts.sql"
        counts_sql.write_text("".join(f"SELECT count(*) FROM t{i:04d};\n" for i in range(1, 201)))
        ours = {w[0]: [] for w in self.ways}
        ours1 = {w[0]: [] for w in self.ways}
        theirs = []
        for _ in range(self.args.repeat):
            for w in self.ways:
                ours[w[0]].append(self.run_ours(rb200, way=w)[0][0])
            theirs.append(self.timed(["psql", "-X", "-q", "-At", "-f", str(counts_sql), self.uri("bench_counts")])[0])
            for w in self.ways:
                ours1[w[0]].append(self.run_ours(rb1, way=w)[0][0])
        for w in self.ways:
            self.rows.append((self.labelled("exact row counts, 200 tables (snapshot check) vs psql, 200 count(*) in"
                                            " one session", w, self.ways[0]), ours[w[0]], theirs))
        for w in self.ways:
            self.rows.append((self.labelled("the same snapshot of 1 table (same rows per table) vs psql, 200"
                                            " count(*)", w, self.ways[0]), ours1[w[0]], theirs))

    def schema_snapshot(self):
        """The snapshot check (counts + schema) and the same snapshot without counts (`rowCounts: []`, the part
        comparable to pg_dump --schema-only, which reads no rows), interleaved with pg_dump on each size."""
        self.postmaster = self.find_postmaster()
        growth, only_growth, dump_growth, rss_max = {}, {}, {}, {}
        waits, only_waits, cpu = {}, {}, {"full": [], "schema": [], "pg_dump": []}
        big = max(self.args.sizes)
        # The other ways of starting our command run on the largest size only, interleaved with the main one.
        more = {w[0]: {"full": [], "schema": [], "full_cpu": [], "schema_cpu": []} for w in self.ways[1:]}
        for n in self.args.sizes:
            rb = self.snapshot_runbook(f"schema{n}", f"bench_schema_{n}", None)
            rb_only = self.snapshot_runbook(f"schemaonly{n}", f"bench_schema_{n}", "[]")
            ours, only, theirs, rss, wait, only_wait = [], [], [], [], [], []
            for _ in range(self.args.repeat):
                d, _, r, _ = self.run_ours(rb)
                ours.append(d[0])
                wait.append(self.last_wait)
                rss.append(r)
                if n == big:
                    cpu["full"].append(self.last_cpu)
                theirs.append(self.timed(["pg_dump", "--schema-only", "-f", os.devnull,
                                          self.uri(f"bench_schema_{n}")])[0])
                if n == big:
                    cpu["pg_dump"].append(self.last_cpu)
                d, _, _, _ = self.run_ours(rb_only)
                only.append(d[0])
                only_wait.append(self.last_wait)
                if n == big:
                    cpu["schema"].append(self.last_cpu)
                    for w in self.ways[1:]:
                        m = more[w[0]]
                        m["full"].append(self.run_ours(rb, way=w)[0][0])
                        m["full_cpu"].append(self.last_cpu)
                        m["schema"].append(self.run_ours(rb_only, way=w)[0][0])
                        m["schema_cpu"].append(self.last_cpu)
            growth[n], only_growth[n], dump_growth[n], rss_max[n] = ours, only, theirs, rss
            waits[n], only_waits[n] = wait, only_wait
        self.rows.append((f"schema snapshot, {big:,} tables, counts + schema (check duration) vs pg_dump"
                          " --schema-only (process)", growth[big], dump_growth[big]))
        self.rows.append(("the same, until the snapshot is journaled (check start to result journaled) vs pg_dump",
                          waits[big], dump_growth[big]))
        self.rows.append((f"schema-only snapshot (rowCounts: []), {big:,} tables (check duration) vs pg_dump"
                          " --schema-only (process)", only_growth[big], dump_growth[big]))
        self.rows.append(("the same, until the snapshot is journaled vs pg_dump", only_waits[big],
                          dump_growth[big]))
        for w in self.ways[1:]:
            self.rows.append((self.labelled(f"schema snapshot, {big:,} tables, counts + schema (check duration) vs"
                                            " pg_dump --schema-only (process)", w, None), more[w[0]]["full"],
                              dump_growth[big]))
            self.rows.append((self.labelled(f"schema-only snapshot, {big:,} tables (check duration) vs pg_dump",
                                            w, None), more[w[0]]["schema"], dump_growth[big]))
        self.growth.append(("snapshot check (counts + schema), ms", "tables", growth))
        self.growth.append(("schema-only snapshot check (rowCounts: []), ms", "tables", only_growth))
        self.growth.append(("pg_dump --schema-only process, ms", "tables", dump_growth))
        if rss_max[big][0] is not None:
            self.rows.append((f"peak memory (MB, max RSS) of the {big:,}-table run, target <= 250", rss_max[big],
                              None))
        # CPU moves much less with the machine's load than wall time does: the whole process's (ours: the JVM from
        # its start, not only the check) and the server's (backends of connections that closed meanwhile).
        med = statistics.median
        for label, runs in (("ours, counts + schema (whole `run` process)", cpu["full"]),
                            ("ours, schema only (whole `run` process)", cpu["schema"]),
                            *[(self.labelled(f"ours, {part} (whole `run` process)", w, None), more[w[0]][key])
                              for w in self.ways[1:] for part, key in (("counts + schema", "full_cpu"),
                                                                       ("schema only", "schema_cpu"))],
                            ("pg_dump --schema-only", cpu["pg_dump"])):
            server = [s for _, s in runs if s is not None]
            self.notes.append(f"CPU of {label}, {big:,} tables, median of {len(runs)}: client {med(c for c, _ in runs):,.0f}"
                              f" ms, server " + (f"{med(server):,.0f} ms" if server else "not measured (server not local)"))

    def windows(self):
        if not shutil.which("Xvfb"):
            self.notes.append("window rows skipped: no Xvfb")
            return
        classes = self.tmp / "bench-classes"
        cp = os.pathsep.join([str(self.jar), str(self.lib / "*")])
        subprocess.run(["javac", "-d", str(classes), "-cp", cp, *map(str, (ROOT / "bench" / "java").glob("*.java"))],
                       check=True)
        display = ":" + str(90 + os.getpid() % 9)
        self.xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1)
        env = dict(self.env, DISPLAY=display)
        run_cp = os.pathsep.join([cp, str(classes)])

        def timed(cmd, marker, what):
            """Milliseconds from launching cmd to its first output line that starts with marker."""
            t0 = time.perf_counter()
            p = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            ms, tail = None, []
            for line in p.stdout:
                tail.append(line)
                if line.startswith(marker) and ms is None:
                    ms = (time.perf_counter() - t0) * 1000
            p.wait()
            if ms is None:
                raise SystemExit(f"no {what}:\n{''.join(tail[-40:])}")
            return ms

        def shown(main, *args, title=".*"):
            return timed(["java", "-Dprism.order=sw", f"-Dprobe.title={title}", "-cp", run_cp, "ShownProbe", main,
                          *args], "SHOWN", f"window from {main}")

        ours, theirs, demo = [], [], []
        for i in range(self.args.repeat):
            ours.append(shown("dev.runbookpilot.cli.Main", "gui", title="Runbook Pilot"))
            theirs.append(shown("HelloFx"))
        self.rows.append(("start screen shown vs a hello-world JavaFX window (Xvfb, software rendering)", ours,
                          theirs))
        shown("dev.runbookpilot.cli.Main", "gui", "--demo", str(SAMPLE), title="Runbook Pilot — .*")  # unpacks
        for i in range(self.args.repeat):
            demo.append(shown("dev.runbookpilot.cli.Main", "gui", "--demo", str(SAMPLE), title="Runbook Pilot — .*"))
        self.rows.append(("demo: the window with the runbook shown (its starting view), PostgreSQL already unpacked",
                          demo, None))
        if self.args.launcher:
            self.launcher_windows()

        # Since the fifth round the window carries the runbook's title while the demo's server starts (ADR 0046):
        # the row above times that frame; this one times the connected wizard's first layout (WizardPhases).
        connected = [timed(["java", "-Dprism.order=sw", "-cp", run_cp, "WizardPhases", "dev.runbookpilot.cli.Main",
                            "gui", "--demo", str(SAMPLE)], "PHASE connected wizard laid out", "connected wizard")
                     for _ in range(self.args.repeat)]
        self.rows.append(("wizard on the embedded demo, connected and laid out (target <= 3,000 ms)", connected, None))
        left = sorted(p.name for p in (self.tmp / "home").glob("demo-*") if p.name != "demo-templates")
        self.notes.append(f"demo data directories left in the workspace after {2 * self.args.repeat + 1} demo launches:"
                          f" {len(left)}")

    def launcher_windows(self):
        """The start screen through the launcher and through java -jar, both timed from outside by
        installer/first-window.sh (xwininfo polls its own Xvfb every 50 ms): ShownProbe runs the app's main inside
        its own JVM, which a launcher cannot host, so these rows are never to be compared with the probe's."""
        script = str(ROOT / "installer" / "first-window.sh")

        def first_window(way):
            p = subprocess.run([script, "--", *self.java(way=way)], env=dict(self.env, **way[2]),
                               capture_output=True, text=True)
            m = re.search(r"first window after (\d+\.\d+) s", p.stdout)
            if not m:
                raise SystemExit(f"no window from {way[0]}:\n{p.stdout}{p.stderr[-3000:]}")
            return float(m.group(1)) * 1000

        got = {w[0]: [] for w in self.ways}
        for w in self.ways:  # one start each first: the page cache, as a DBA's second start has it
            first_window(w)
        for _ in range(self.args.repeat):
            for w in self.ways:
                got[w[0]].append(first_window(w))
        jar = self.ways[1]
        for w in self.ways:
            if w is not jar:
                self.rows.append((f"start screen's window viewable (installer/first-window.sh, xwininfo):"
                                  f" {w[0]} vs java -jar", got[w[0]], got[jar[0]]))

    def reports(self):
        rb = self.checks_runbook("report500", "bench_counts_1", 50, 10)
        # --keep-going: every step's checks are evaluated and journaled, though each step has a failing one (without
        # it the run stopped after the first step and the report listed 490 of the 500 checks as pending).
        keep = self.journal_of(rb, self.tmp / "report-session.jsonl")
        config = self.tmp / "config"
        self.timed(self.java("report", str(keep), "--format", "pdf", "--sign", "--out", str(self.tmp / "w.pdf"),
                             "--config-dir", str(config)))  # makes the signing identity once, as a first use does
        got = {(w[0], k): [] for w in self.ways for k in ("pdf", "md", "pdf_cpu", "md_cpu")}
        for _ in range(self.args.repeat):
            for w in self.ways:
                got[w[0], "pdf"].append(self.report_pdf(keep, config, w))
                got[w[0], "pdf_cpu"].append(self.last_cpu[0])
                got[w[0], "md"].append(self.report_md(keep, w))
                got[w[0], "md_cpu"].append(self.last_cpu[0])
        first = self.ways[0]
        for w in self.ways:
            self.rows.append((self.labelled("signed PDF of a 500-check session (CLI, cold JVM) vs unsigned Markdown"
                                            " (CLI)", w, first), got[w[0], "pdf"], got[w[0], "md"]))
        for w in self.ways:
            self.rows.append((self.labelled("  the same, CPU time of the process, ms", w, first),
                              got[w[0], "pdf_cpu"], got[w[0], "md_cpu"]))
        self.report_growth(config)

    def journal_of(self, runbook, keep):
        """A journaled session of the runbook's checks, every step evaluated (`--keep-going`), copied to keep."""
        _, _, _, journal = self.run_ours(runbook, (1,), "--keep-going")
        shutil.copy(journal, keep)
        return keep

    def report_pdf(self, journal, config, way):
        return self.timed(self.java("report", str(journal), "--format", "pdf", "--sign", "--out",
                                    str(self.tmp / "r.pdf"), "--config-dir", str(config), way=way), way=way)[0]

    def report_md(self, journal, way):
        return self.timed(self.java("report", str(journal), "--format", "md", "--out", str(self.tmp / "r.md"),
                                    way=way), way=way)[0]

    def report_growth(self, config):
        """The same two commands on sessions of --checks checks (10 a step, one failing in each), the main way,
        interleaved across the sizes: wall and whole-process CPU, so the growth is read beside the fixed cost."""
        sessions = {n: self.journal_of(self.checks_runbook(f"report{n}", "bench_counts_1", max(1, n // 10),
                                                           min(n, 10)), self.tmp / f"report-{n}.jsonl")
                    for n in self.args.checks}
        got = {(n, k): [] for n in self.args.checks for k in ("pdf", "md", "pdf_cpu", "md_cpu")}
        way = self.ways[0]
        for _ in range(self.args.repeat):
            for n, journal in sessions.items():
                got[n, "pdf"].append(self.report_pdf(journal, config, way))
                got[n, "pdf_cpu"].append(self.last_cpu[0])
                got[n, "md"].append(self.report_md(journal, way))
                got[n, "md_cpu"].append(self.last_cpu[0])
        for key, label in (("pdf", "signed PDF report (CLI, whole process), ms"),
                           ("pdf_cpu", "signed PDF report, CPU time of the process, ms"),
                           ("md", "Markdown report (CLI, whole process), ms"),
                           ("md_cpu", "Markdown report, CPU time of the process, ms")):
            self.growth.append((label, "checks", {n: got[n, key] for n in self.args.checks}))

    # ---- the verification suite: a runbook vs pgTAP through pg_prove -----------------------------------------------
    # pgTAP lives in Debian's server (postgresql-15-pgtap), not the embedded one, so this row runs on the server given
    # with --suite-db (or --db), which must also preload pg_stat_statements to count the statements each side sends.
    SUITE_ENRICHMENT = """
        CREATE FUNCTION touch_row() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN RETURN NEW; END $f$;
        DO $d$ DECLARE t text; i int := 0; BEGIN
          FOREACH t IN ARRAY ARRAY['workspaces', 'users', 'roles', 'permissions', 'agents', 'agent_runs', 'goals',
                                   'tasks', 'documents', 'invoices', 'plans', 'tags', 'webhooks', 'integrations'] LOOP
            i := i + 1;
            IF i <= 10 THEN
              EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE ON %I FOR EACH ROW EXECUTE FUNCTION touch_row()',
                             t || '_touch', t);
            END IF;
            IF i <= 8 THEN
              EXECUTE format('CREATE VIEW %I AS SELECT * FROM %I', t || '_recent', t);
            END IF;
            EXECUTE format('CREATE FUNCTION %I() RETURNS bigint LANGUAGE sql STABLE AS %L',
                           t || '_total', format('SELECT count(*) FROM %I', t));
          END LOOP;
        END $d$;"""

    def suite_ready(self):
        """Whether the suite's server has pgTAP and preloads pg_stat_statements; if not, the row is skipped."""
        if not self.suite_base:
            self.notes.append("verification-suite row skipped: it needs --suite-db (or --db), a server with pgTAP")
            return False
        missing = [tool for tool in ("pg_prove", "/usr/bin/time") if not shutil.which(tool)]
        p = subprocess.run(["psql", "-X", "-At", "-d", self.uri("suite:postgres"), "-c",
                            "SELECT (SELECT count(*) FROM pg_available_extensions WHERE name = 'pgtap'),"
                            " current_setting('shared_preload_libraries') ~ 'pg_stat_statements'"],
                           env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if p.returncode != 0:
            missing.append(f"a connection to the suite's server ({p.stdout.strip()})")
        else:
            pgtap, preloaded = p.stdout.strip().split("|")
            if pgtap == "0":
                missing.append("pgTAP on the server (postgresql-15-pgtap)")
            if preloaded != "t":
                missing.append("shared_preload_libraries = 'pg_stat_statements' on the server")
        if missing:
            self.notes.append("verification-suite row skipped: it needs " + ", ".join(missing))
            return False
        return True

    def build_suite(self):
        """The sample schema of production-cleanup (52 tables, 38 foreign keys), enriched with triggers, views and
        functions, and the 166 assertions both suites make about it, read from the schema's own catalog."""
        log("building bench_suite: the production-cleanup sample, with triggers, views and functions ...")
        self.create_db("bench_suite", admin="suite:postgres", sql=SUITE_SCHEMA.read_text() + self.SUITE_ENRICHMENT + """
            CREATE SCHEMA tap; CREATE EXTENSION pgtap SCHEMA tap;""")
        self.psql("suite:postgres", "CREATE EXTENSION IF NOT EXISTS pg_stat_statements;")

        def rows(sql):
            p = subprocess.run(["psql", "-X", "-At", "-F", "\t", "-d", self.uri("bench_suite"), "-c", sql],
                               env=self.env, check=True, stdout=subprocess.PIPE, text=True)
            return [line.split("\t") for line in p.stdout.splitlines()]

        no_rls = "NOT c.relrowsecurity"
        a = {
            "table": rows("SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'"
                          " ORDER BY relname LIMIT 20"),
            "column": rows("SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a"
                           " JOIN pg_class c ON c.oid = a.attrelid WHERE c.relnamespace = 'public'::regnamespace"
                           " AND c.relkind = 'r' AND a.attnum BETWEEN 1 AND 3 AND NOT a.attisdropped"
                           " ORDER BY c.relname, a.attnum LIMIT 60"),
            "index": rows("SELECT t.relname, i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid"
                          " JOIN pg_class t ON t.oid = x.indrelid WHERE t.relnamespace = 'public'::regnamespace"
                          " ORDER BY t.relname DESC, i.relname LIMIT 20"),
            "fk": rows("SELECT t.relname, a.attname, r.relname, ra.attname, con.conname FROM pg_constraint con"
                       " JOIN pg_class t ON t.oid = con.conrelid JOIN pg_class r ON r.oid = con.confrelid"
                       " JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = con.conkey[1]"
                       " JOIN pg_attribute ra ON ra.attrelid = r.oid AND ra.attnum = con.confkey[1]"
                       " WHERE con.contype = 'f' AND cardinality(con.conkey) = 1"
                       " AND t.relnamespace = 'public'::regnamespace ORDER BY con.conname LIMIT 20"),
            "trigger": rows("SELECT c.relname, tgname FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid"
                            " WHERE NOT tgisinternal ORDER BY tgname"),
            "view": rows("SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'v'"
                         " ORDER BY relname"),
            "function": rows("SELECT proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace"
                             " ORDER BY proname"),
        }
        data = []
        for (table,) in rows(f"SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace"
                             f" AND c.relkind = 'r' AND {no_rls} ORDER BY c.relname LIMIT 10"):
            sql = f"SELECT count(*) FROM {table}"
            data.append((sql, rows(sql)[0][0]))
        probes = [("rejects", "INSERT INTO workspaces (slug, name, plan_code, created_at)"
                              " VALUES ('ws-1', 'Copy', 'free', now())", "23505"),
                  ("rejects", "INSERT INTO users (email, created_at) VALUES ('user1@example.com', now())", "23505"),
                  ("accepts", "INSERT INTO users (email, created_at) VALUES ('new@example.com', now())", None)]
        counts = {k: len(v) for k, v in a.items()} | {"data": len(data), "probe": len(probes)}
        total = sum(counts.values())
        log(f"  the suite: {total} assertions, {counts}")

        def q(s):
            return "'" + s.replace("'", "''") + "'"

        tap = ["SET search_path = public, tap;", "BEGIN;", f"SELECT plan({total});"]
        tap += [f"SELECT has_table('public', {q(t)}, {q('table ' + t)});" for (t,) in a["table"]]
        tap += [f"SELECT col_type_is('public', {q(t)}, {q(c)}, {q(ty)}, {q(t + '.' + c)});" for t, c, ty in a["column"]]
        tap += [f"SELECT has_index('public', {q(t)}, {q(i)}, {q('index ' + i)});" for t, i in a["index"]]
        tap += [f"SELECT fk_ok('public', {q(t)}, ARRAY[{q(c)}], 'public', {q(r)}, ARRAY[{q(rc)}], {q(n)});"
                for t, c, r, rc, n in a["fk"]]
        tap += [f"SELECT has_trigger('public', {q(t)}, {q(g)}, {q('trigger ' + g)});" for t, g in a["trigger"]]
        tap += [f"SELECT has_view('public', {q(v)}, {q('view ' + v)});" for (v,) in a["view"]]
        tap += [f"SELECT has_function('public', {q(f)}, {q('function ' + f)});" for (f,) in a["function"]]
        tap += [f"SELECT is(({sql}), {n}::bigint, {q(sql)});" for sql, n in data]
        tap += [f"SELECT throws_ok({q(sql)}, {q(state)});" if kind == "rejects" else f"SELECT lives_ok({q(sql)});"
                for kind, sql, state in probes]
        tap += ["SELECT * FROM finish();", "ROLLBACK;"]
        self.suite_tap = self.tmp / "suite.sql"
        self.suite_tap.write_text("\n".join(tap) + "\n")

        def y(s):
            return "'" + s.replace("'", "''") + "'"

        def step(sid, title, checks):
            return [f"      - id: {sid}", f"        title: {title}", "        checks:"] + \
                   [f"          - {c}" for c in checks]

        out = ["  - name: Verification", "    steps:"]
        out += step("structure", "Tables and columns",
                    [f"tables: {{ exist: [{y(t)}] }}" for (t,) in a["table"]]
                    + [f"columns: {{ table: {y(t)}, include: [{{ name: {y(c)}, type: {y(ty)} }}] }}"
                       for t, c, ty in a["column"]])
        out += step("keys", "Indexes and foreign keys",
                    [f"indexes: {{ table: {y(t)}, exist: [{y(i)}] }}" for t, i in a["index"]]
                    + [f"constraints: {{ table: {y(t)}, exist: [{{ name: {y(n)}, type: foreign key, columns: [{y(c)}],"
                       f" references: {y(r)} }}] }}" for t, c, r, rc, n in a["fk"]])
        out += step("code", "Triggers, views and functions",
                    [f"triggers: {{ table: {y(t)}, exist: [{y(g)}] }}" for t, g in a["trigger"]]
                    + [f"views: {{ exist: [{y(v)}] }}" for (v,) in a["view"]]
                    + [f"functions: {{ exist: [{y(f)}] }}" for (f,) in a["function"]])
        out += step("data", "Data", [f"query: {{ sql: {y(sql)}, expect: {y('= ' + n)} }}" for sql, n in data])
        out += step("probes", "Probes", [f"{kind}: {{ sql: {y(sql)}" + (f", sqlstate: {y(state)}" if state else "")
                                         + " }" for kind, sql, state in probes])
        self.suite_runbook = self.runbook("suite", "bench_suite", "\n".join(out) + "\n")
        self.suite_total = total

    def server_counts(self):
        """Top-level statements the bench database ran, their server time, and sessions opened on it so far."""
        p = subprocess.run(["psql", "-X", "-At", "-F", " ", "-d", self.uri("suite:postgres"), "-c", """
            SELECT (SELECT coalesce(sum(calls), 0) FROM pg_stat_statements s
                      JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = 'bench_suite'),
                   (SELECT coalesce(sum(total_exec_time + total_plan_time), 0) FROM pg_stat_statements s
                      JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = 'bench_suite'),
                   (SELECT sessions FROM pg_stat_database WHERE datname = 'bench_suite'),
                   (SELECT count(*) FROM pg_stat_activity WHERE datname = 'bench_suite')"""],
                           env=self.env, check=True, stdout=subprocess.PIPE, text=True)
        statements, server_ms, sessions, connected = p.stdout.split()
        return int(statements), float(server_ms), int(sessions), int(connected)

    def suite_measure(self, cmd, check, env=None):
        """Runs one side of the suite: whole-process ms, CPU ms of the process and its children (psql under
        pg_prove), statements, their server time and the connections it took."""
        subprocess.run(["psql", "-X", "-q", "-d", self.uri("suite:postgres"), "-c",
                        "SELECT pg_stat_statements_reset()"], env=self.env, check=True, stdout=subprocess.DEVNULL)
        before = self.server_counts()[2]
        cpu_file = self.tmp / "cpu"
        t0 = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-f", "%U %S", "-o", str(cpu_file), *cmd],
                           env=dict(self.env, **(env or {})),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        ms = (time.perf_counter() - t0) * 1000
        if p.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} exited {p.returncode}:\n{p.stdout[-3000:]}")
        check(p.stdout)
        user, system = map(float, cpu_file.read_text().split()[-2:])
        for _ in range(50):  # a backend hands its statistics over as it exits
            if self.server_counts()[3] == 0:
                break
            time.sleep(0.1)
        statements, server_ms, sessions, _ = self.server_counts()
        return {"ms": ms, "cpu": (user + system) * 1000, "st": statements, "db": server_ms, "cx": sessions - before}

    def suite(self):
        def prove_passed(out):
            if "All tests successful" not in out:
                raise SystemExit(f"pg_prove did not pass the suite:\n{out[-3000:]}")

        def run_passed(out):
            pass  # the run command exits 0 only when every check passed; suite_measure refuses any other exit

        sessions = self.tmp / "suite-sessions"
        run_args = ["run", str(self.suite_runbook), "--db", self.uri("bench_suite"), "--session-dir", str(sessions),
                    "--operator", "bench"]
        # Every way of starting ours, and always the JIT's first tier only: how much of a short run's CPU the
        # optimising compiler takes.
        ways = self.ways if self.c1_way in self.ways else [*self.ways, self.c1_way]
        sides = {w[0]: (self.java(*run_args, way=w), run_passed, w[2]) for w in ways}
        sides["tap"] = (["pg_prove", "-d", self.uri("bench_suite"), str(self.suite_tap)], prove_passed, {})
        got = {side: [] for side in sides}
        for _ in range(self.args.repeat):
            for side, (cmd, check, env) in sides.items():
                shutil.rmtree(sessions, ignore_errors=True)
                got[side].append(self.suite_measure(cmd, check, env))

        def of(side, key):
            return [m[key] for m in got[side]]

        n = self.suite_total
        ours = self.ways[0][0]
        self.rows.append((f"verification suite, {n} assertions: runbook (`run`, whole process) vs pgTAP"
                          f" (`pg_prove`, whole process)", of(ours, "ms"), of("tap", "ms")))
        self.rows.append(("  the same, CPU time of the process and its children, ms", of(ours, "cpu"),
                          of("tap", "cpu")))
        self.rows.append(("  the same, statements inside the database (pg_stat_statements, top level)",
                          of(ours, "st"), of("tap", "st")))
        self.rows.append(("  the same, server time of those statements, ms", of(ours, "db"), of("tap", "db")))
        self.rows.append(("  the same, connections opened", of(ours, "cx"), of("tap", "cx")))
        for w in ways[1:]:
            self.rows.append((f"  ours [{w[0]}], whole process", of(w[0], "ms"), of("tap", "ms")))
            self.rows.append((f"  ours [{w[0]}], CPU time, ms", of(w[0], "cpu"), of("tap", "cpu")))
            self.rows.append((f"  ours [{w[0]}], connections opened", of(w[0], "cx"), of("tap", "cx")))

    # ---- output -----------------------------------------------------------------------------------------------
    def print(self):
        def f(xs):
            return f"{min(xs):,.0f} / {statistics.median(xs):,.0f} / {max(xs):,.0f}"
        print(f"Runbook Pilot benchmark, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())},"
              f" {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end,"
              f" {self.args.repeat} runs each, interleaved; figures in ms (min / median / max)")
        print()
        print("| moment | ours | reference | ours / reference (medians) |")
        print("|---|---:|---:|---:|")
        for label, ours, theirs in self.rows:
            ratio = "" if not theirs else f"{statistics.median(ours) / statistics.median(theirs):.2f}x"
            print(f"| {label} | {f(ours)} | {f(theirs) if theirs else ''} | {ratio} |")
        for label, unit, by_n in self.growth:
            print()
            sizes = sorted(by_n)
            print(f"| growth: {label} | " + " | ".join(f"{n:,} {unit}" for n in sizes) + " | "
                  + f"{sizes[-1] // sizes[0]}x {unit} costs |")
            print("|---|" + "---:|" * (len(sizes) + 1))
            meds = [statistics.median(by_n[n]) for n in sizes]
            print("| median | " + " | ".join(f"{m:,.0f}" for m in meds) + f" | {meds[-1] / meds[0]:.1f}x |")
        for n in self.notes:
            print(f"\n{n}")

    def close(self):
        if self.xvfb:
            self.xvfb.terminate()
        if self.server:
            # SIGTERM runs the demo command's shutdown hook, which stops the server; give a loaded machine time.
            self.server.terminate()
            try:
                self.server.wait(300)
            except subprocess.TimeoutExpired:
                log(f"the embedded server's JVM (pid {self.server.pid}) did not stop; its PostgreSQL may still run")
        if not self.args.keep:
            shutil.rmtree(self.tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", help="a superuser URI of a PostgreSQL server to build the databases on"
                                 " (default: start the embedded one)")
    ap.add_argument("--suite-db", help="a superuser URI of a PostgreSQL server with pgTAP installed and"
                                       " pg_stat_statements preloaded, for the verification-suite row (default: --db;"
                                       " the row is skipped without either)")
    ap.add_argument("--jar", default=str(ROOT / "target" / "runbook-pilot.jar"),
                    help="the app to measure (default: target/runbook-pilot.jar); target/lib must sit beside it")
    ap.add_argument("--launcher", help="run our CLI rows through this launcher (an app image's bin/runbook-pilot,"
                                       " whose CDS archive is dumped first if it does not map) and, interleaved,"
                                       " through java -jar --jar")
    ap.add_argument("--other-jar", help="also run our CLI rows with this build (e.g. the one before a change) through"
                                        " java -jar, interleaved with the others, each as its own row")
    ap.add_argument("--c1", action="store_true", help="also run our CLI rows with the JIT's first tier only"
                                                      " (-XX:TieredStopAtLevel=1)")
    ap.add_argument("--repeat", type=int, default=5, help="runs of each measurement (default 5)")
    ap.add_argument("--rows", type=int, default=5_500_000, help="rows in the 200-table count database")
    ap.add_argument("--sizes", type=int, nargs="+", default=[20, 200, 2000], help="tables in the schema databases")
    ap.add_argument("--checks", type=int, nargs="+", default=[20, 200, 2000],
                    help="checks in the sessions of the report growth table (10 a step)")
    ap.add_argument("--only", nargs="+", choices=["counts", "schema", "windows", "reports", "suite"],
                    default=["counts", "schema", "windows", "reports", "suite"])
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory (sessions, runbooks)")
    args = ap.parse_args()
    if any(n > 10 and n % 10 for n in args.checks):
        ap.error("--checks: a session of more than 10 checks has 10 a step, so give a multiple of 10")
    b = Bench(args)
    try:
        b.start_server()
        b.build()
        if "counts" in args.only:
            b.row_counts()
        if "schema" in args.only:
            b.schema_snapshot()
        if "windows" in args.only:
            b.windows()
        if "reports" in args.only:
            b.reports()
        if "suite" in args.only and b.suite_runbook:
            b.suite()
        b.print()
    finally:
        b.close()


if __name__ == "__main__":
    main()
