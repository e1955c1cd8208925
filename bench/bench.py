#!/usr/bin/env python3
"""Runbook Pilot against the tools a DBA would otherwise use, side by side in one run (see docs/benchmarks.md).

Builds its databases on the embedded PostgreSQL (started through the app's own `demo` command) or on a server
given with --db, then runs each measurement and its reference interleaved (ours, theirs, ours, theirs, ...),
repeats, and prints min / median / max of each and the ratio of the medians (ours / theirs). Compare ratios only
within one run: both sides move with the machine's load, their ratio much less.

Needs: python3, java 17, psql and pg_dump (the server's major or newer), Xvfb for the window rows, and the
packaged app (mvn -B -q -DskipTests package). Not part of `mvn verify`.
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "runbooks" / "schema-alignment" / "runbook.yaml"


def log(msg):
    print(msg, file=sys.stderr, flush=True)


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
        self.xvfb = None
        self.rows = Rows()  # (label, ours samples, theirs samples or None)
        self.growth = []    # (label, {n: samples})
        self.notes = []

    # ---- the server -------------------------------------------------------------------------------------------
    def start_server(self):
        if self.args.db:
            self.base = self.args.db.rstrip("/")
            self.base = re.sub(r"/[^/@]*$", "", self.base) if self.base.count("/") > 2 else self.base
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

    def uri(self, db):
        return f"{self.base}/{db}"

    def psql(self, db, sql):
        subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", self.uri(db)], input=sql, text=True,
                       env=dict(self.env, PGOPTIONS="-c client_min_messages=warning"), check=True,
                       stdout=subprocess.DEVNULL)

    def create_db(self, db, sql):
        self.psql("postgres", f"DROP DATABASE IF EXISTS {db} WITH (FORCE); CREATE DATABASE {db};")
        self.psql(db, sql)
        self.psql(db, "VACUUM ANALYZE;")

    # ---- databases --------------------------------------------------------------------------------------------
    def build(self):
        rows_per_table = self.args.rows // 200
        if {"counts", "reports"} & set(self.args.only):
            self.build_counts(rows_per_table)
        if "schema" in self.args.only:
            self.build_schemas()

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
    def java(self, *args):
        return ["java", "-jar", str(self.jar), *args]

    def timed(self, cmd, ok=(0,), **kw):
        """Whole-process wall time in ms, and peak RSS in MB when /usr/bin/time is there."""
        rss_file = self.tmp / "rss"
        prefix = ["/usr/bin/time", "-f", "%M", "-o", str(rss_file)] if Path("/usr/bin/time").exists() else []
        t0 = time.perf_counter()
        p = subprocess.run(prefix + cmd, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           **kw)
        ms = (time.perf_counter() - t0) * 1000
        if p.returncode not in ok:
            raise SystemExit(f"{' '.join(cmd)} exited {p.returncode}:\n{p.stdout[-3000:]}")
        rss = int(rss_file.read_text().split()[-1]) / 1024 if prefix else None
        return ms, rss, p.stdout

    def run_ours(self, runbook, ok=(0,), *more):
        """Runs a runbook through the CLI; returns the check durations journaled, whole-process ms and peak RSS."""
        sessions = self.tmp / "sessions"
        shutil.rmtree(sessions, ignore_errors=True)
        ms, rss, _ = self.timed(self.java("run", str(runbook), "--db", self.uri(self.db_of(runbook)),
                                          "--session-dir", str(sessions), "--operator", "bench", *more), ok=ok)
        durations = []
        journal = next(sessions.glob("*.jsonl"))
        for line in journal.read_text().splitlines():
            e = json.loads(line)
            r = e.get("result")
            if e.get("event") == "CheckFinished" or (isinstance(r, dict) and "durationMillis" in r):
                durations.append(r["durationMillis"])
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
        ours, ours1, theirs = [], [], []
        for _ in range(self.args.repeat):
            ours.append(self.run_ours(rb200)[0][0])
            theirs.append(self.timed(["psql", "-X", "-q", "-At", "-f", str(counts_sql), self.uri("bench_counts")])[0])
            ours1.append(self.run_ours(rb1)[0][0])
        self.rows.append(("exact row counts, 200 tables (snapshot check) vs psql, 200 count(*) in one session",
                          ours, theirs))
        self.rows.append(("the same snapshot of 1 table (same rows per table) vs psql, 200 count(*)", ours1, theirs))

    def schema_snapshot(self):
        growth, dump_growth, rss_max = {}, {}, {}
        for n in self.args.sizes:
            rb = self.snapshot_runbook(f"schema{n}", f"bench_schema_{n}", None)
            ours, theirs, rss = [], [], []
            for _ in range(self.args.repeat):
                d, _, r, _ = self.run_ours(rb)
                ours.append(d[0])
                rss.append(r)
                theirs.append(self.timed(["pg_dump", "--schema-only", "-f", os.devnull,
                                          self.uri(f"bench_schema_{n}")])[0])
            growth[n], dump_growth[n], rss_max[n] = ours, theirs, rss
        big = max(self.args.sizes)
        self.rows.append((f"schema snapshot, {big:,} tables (check duration) vs pg_dump --schema-only (process)",
                          growth[big], dump_growth[big]))
        self.growth.append(("snapshot check (counts + schema), ms", growth))
        self.growth.append(("pg_dump --schema-only process, ms", dump_growth))
        if rss_max[big][0] is not None:
            self.rows.append((f"peak memory (MB, max RSS) of the {big:,}-table run, target <= 250", rss_max[big],
                              None))

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

        def shown(main, *args, title=".*"):
            cmd = ["java", "-Dprism.order=sw", f"-Dprobe.title={title}", "-cp", run_cp, "ShownProbe", main, *args]
            t0 = time.perf_counter()
            p = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            ms, tail = None, []
            for line in p.stdout:
                tail.append(line)
                if line.startswith("SHOWN") and ms is None:
                    ms = (time.perf_counter() - t0) * 1000
            p.wait()
            if ms is None:
                raise SystemExit(f"no window from {main}:\n{''.join(tail[-40:])}")
            return ms

        ours, theirs, demo = [], [], []
        for i in range(self.args.repeat):
            ours.append(shown("dev.runbookpilot.cli.Main", "gui", title="Runbook Pilot"))
            theirs.append(shown("HelloFx"))
        self.rows.append(("start screen shown vs a hello-world JavaFX window (Xvfb, software rendering)", ours,
                          theirs))
        shown("dev.runbookpilot.cli.Main", "gui", "--demo", str(SAMPLE), title="Runbook Pilot — .*")  # unpacks
        for i in range(self.args.repeat):
            demo.append(shown("dev.runbookpilot.cli.Main", "gui", "--demo", str(SAMPLE), title="Runbook Pilot — .*"))
        self.rows.append(("wizard on the embedded demo, PostgreSQL already unpacked (target <= 3,000 ms)", demo,
                          None))
        left = sorted(p.name for p in (self.tmp / "home").glob("demo-*") if p.name != "demo-templates")
        self.notes.append(f"demo data directories left in the workspace after {self.args.repeat + 1} demo launches:"
                          f" {len(left)}")

    def reports(self):
        rb = self.checks_runbook("report500", "bench_counts_1", 50, 10)
        # --keep-going: every step's checks are evaluated and journaled, though each step has a failing one (without
        # it the run stopped after the first step and the report listed 490 of the 500 checks as pending).
        _, _, _, journal = self.run_ours(rb, (1,), "--keep-going")
        keep = self.tmp / "report-session.jsonl"
        shutil.copy(journal, keep)
        config = self.tmp / "config"
        self.timed(self.java("report", str(keep), "--format", "pdf", "--sign", "--out", str(self.tmp / "w.pdf"),
                             "--config-dir", str(config)))  # makes the signing identity once, as a first use does
        pdf, md = [], []
        for _ in range(self.args.repeat):
            pdf.append(self.timed(self.java("report", str(keep), "--format", "pdf", "--sign", "--out",
                                            str(self.tmp / "r.pdf"), "--config-dir", str(config)))[0])
            md.append(self.timed(self.java("report", str(keep), "--format", "md", "--out",
                                           str(self.tmp / "r.md")))[0])
        self.rows.append(("signed PDF of a 500-check session (CLI, cold JVM) vs unsigned Markdown (CLI)", pdf, md))

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
        for label, by_n in self.growth:
            print()
            sizes = sorted(by_n)
            print(f"| growth: {label} | " + " | ".join(f"{n:,} tables" for n in sizes) + " | "
                  + f"{sizes[-1] // sizes[0]}x tables costs |")
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
    ap.add_argument("--jar", default=str(ROOT / "target" / "runbook-pilot.jar"),
                    help="the app to measure (default: target/runbook-pilot.jar); target/lib must sit beside it")
    ap.add_argument("--repeat", type=int, default=5, help="runs of each measurement (default 5)")
    ap.add_argument("--rows", type=int, default=5_500_000, help="rows in the 200-table count database")
    ap.add_argument("--sizes", type=int, nargs="+", default=[20, 200, 2000], help="tables in the schema databases")
    ap.add_argument("--only", nargs="+", choices=["counts", "schema", "windows", "reports"],
                    default=["counts", "schema", "windows", "reports"])
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory (sessions, runbooks)")
    args = ap.parse_args()
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
        b.print()
    finally:
        b.close()


if __name__ == "__main__":
    main()
