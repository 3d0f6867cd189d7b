"""Score Homecoming's matching end to end on the independent evaluation data.

    python bench/eval_matching.py [--split dev|test|test3 … test20] [--small]
                                  [--population v1|v2|both] [--json-out F] [--keep DIR]

The data come from ``bench/independent/`` (a generator written apart from
``homecoming.generate``); they are written to ``bench/.independent-data/<split>/`` the first
time and reused. The test split is checked against ``bench/independent/frozen.json`` and
refused when any file differs. Only aggregate figures are printed, never a row.

Every step goes through the ``homecoming`` command line as the README documents it, in a
temporary directory with its own embedded SQLite database (``HOMECOMING_DATA_DIR``):
``init``, ``parties add``, ``import --kind icrc_visit`` (the registry), ``persons link``,
``export records`` (to map persons back to the generator's rows by source line),
``agreements create``, ``lists import --direction offer``, ``lists validate --json``,
``search --json``, ``inquiries import``, ``inquiries match``, ``leads list --json``,
``link A B --out`` and ``names compare --json``. ``search`` and ``names compare`` run once per
entry or pair: a fresh interpreter costs 4-7 s each, so they go through the same CLI
application (``homecoming.cli.app``, Typer's test runner) inside one long-lived subprocess; the
first few calls are also made as real subprocesses and must print the same JSON.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.independent.freeze import HELD_OUT  # noqa: E402
from bench.independent.freeze import check as frozen_check  # noqa: E402
from bench.independent.make import make  # noqa: E402

DATA = ROOT / "bench" / ".independent-data"
LOW_THRESHOLD = 0.02
DEFAULT_THRESHOLD = 0.9

# The targets and today's figures, from issues 13 and 23.
TARGETS_13 = {
    "link_f1": 0.97,
    "link_recall_at_1": 0.97,
    "link_outsiders_linked": 0.01,
    "validate_right": 0.98,
    "validate_wrong": 0.003,
    "validate_absent_resolved": 0.01,
    "pairs_f1": 0.97,
    "search_recall_at_1": 0.98,
}
TARGETS_23 = {
    "sought_among_leads": 0.98,
    "sought_first": 0.95,
    "absent_with_lead": 0.03,
    "leads_mean": 2.0,
    "leads_max": 10,
}

_DRIVER = """
import json, sys
from typer.testing import CliRunner
from homecoming.cli import app
runner = CliRunner()
for line in sys.stdin:
    r = runner.invoke(app, json.loads(line))
    print(json.dumps({"code": r.exit_code, "out": r.stdout}), flush=True)
"""


# ------------------------------------------------------------------ running the CLI
class Cli:
    def __init__(self, workdir: Path, data_dir: Path) -> None:
        exe = Path(sys.executable).with_name("homecoming")
        self.exe = str(exe) if exe.exists() else (shutil.which("homecoming") or "homecoming")
        self.workdir = workdir
        self.env = {k: v for k, v in os.environ.items() if k != "HOMECOMING_DATABASE_URL"}
        self.env["HOMECOMING_DATA_DIR"] = str(data_dir)
        self.env.setdefault("HOMECOMING_ENVIRONMENT", "development")
        self.env["HOMECOMING_LOG_LEVEL"] = "WARNING"
        # The commands run in a temporary directory: a relative PYTHONPATH (PYTHONPATH=src from a
        # worktree) would not reach them, and they would run the editable install's code instead
        # of the code this run reports.
        paths = [p for p in self.env.get("PYTHONPATH", "").split(os.pathsep) if p]
        if paths:
            self.env["PYTHONPATH"] = os.pathsep.join(str(Path(p).resolve()) for p in paths)

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            [self.exe, *args],
            cwd=self.workdir,
            env=self.env,
            capture_output=True,
            text=True,
        )
        if check and proc.returncode != 0:
            tail = "\n".join(proc.stderr.strip().splitlines()[-5:])
            raise RuntimeError(
                f"homecoming {args[0]} {args[1] if len(args) > 1 else ''} failed: {tail}"
            )
        return proc

    def json(self, *args: str) -> Any:
        return json.loads(self.run(*args).stdout)

    def batch(self, calls: Sequence[Sequence[str]]) -> list[tuple[int, str]]:
        """Many CLI calls through the CLI application inside one subprocess."""
        driver = self.workdir / "driver.py"
        driver.write_text(_DRIVER)
        payload = "".join(json.dumps(list(c), ensure_ascii=False) + "\n" for c in calls)
        proc = subprocess.run(
            [sys.executable, str(driver)],
            cwd=self.workdir,
            env=self.env,
            input=payload,
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"CLI batch driver failed: {proc.stderr.strip().splitlines()[-3:]}")
        outs = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
        return [(o["code"], o["out"]) for o in outs]


class Timer:
    def __init__(self) -> None:
        self.steps: list[tuple[str, float]] = []

    def __call__(self, label: str) -> _Step:
        return _Step(self, label)


class _Step:
    def __init__(self, timer: Timer, label: str) -> None:
        self.timer, self.label = timer, label

    def __enter__(self) -> None:
        self.start = time.perf_counter()
        print(f"  … {self.label}", flush=True)

    def __exit__(self, *exc: object) -> None:
        took = time.perf_counter() - self.start
        self.timer.steps.append((self.label, took))
        print(f"    {self.label}: {took:.1f} s", flush=True)


# ------------------------------------------------------------------ helpers
def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f}


def _ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


def tags_of(entry: dict[str, Any]) -> list[str]:
    """An entry's noise classes for the breakdowns: script, each noise, 'clean' if none."""
    tags = [f"script:{entry['script']}"]
    for n in entry["noise"]:
        tags.append("latin standard" if n.startswith("latin:") else n)
    if not entry["noise"]:
        tags.append("clean")
    return tags


class Breakdown:
    """Hits over totals per tag (noise class or outsider kind)."""

    def __init__(self) -> None:
        self.counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])

    def add(self, tags: Iterable[str], hit: bool) -> None:
        for t in tags:
            self.counts[t][0] += hit
            self.counts[t][1] += 1

    def as_dict(self) -> dict[str, dict[str, float]]:
        return {t: {"rate": _ratio(a, b), "n": b} for t, (a, b) in sorted(self.counts.items())}


def crash_line(stderr: str) -> list[str]:
    """The exception's own line from a traceback (else the last line)."""
    lines = [ln.strip() for ln in stderr.strip().splitlines() if ln.strip()]
    named = [ln for ln in lines if re.match(r"^[\w.]+(Exception|Error)\b", ln)]
    return (named or lines)[-1:]


def parse_loose_date(text: str) -> tuple[int | None, str]:
    """A year and an ISO-ish form from what a family or a list wrote (for the peer)."""
    text = text.strip()
    if not text:
        return None, ""
    m = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", text)
    if m:
        return int(m.group(1)), text
    m = re.fullmatch(r"(\d{1,2})[./](\d{1,2})[./](\d{4})", text)
    if m:
        return int(m.group(3)), f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"
    m = re.search(r"(\d{4})", text)
    return (int(m.group(1)), m.group(1)) if m else (None, "")


# ------------------------------------------------------------------ one population
class Population:
    def __init__(self, data: Path, name: str, work: Path, timer: Timer) -> None:
        self.name = name
        self.d = data / name
        self.truth: dict[str, Any] = json.loads((self.d / "truth.json").read_text())
        self.work = work
        self.timer = timer
        self.results: dict[str, Any] = {}

    # -- the registry database, shared by validation and search; a copy for tracing
    def setup_registry(self) -> tuple[Cli, Path]:
        data_dir = self.work / "db"
        cli = Cli(self.work, data_dir)
        with self.timer("init, parties, registry import (ICRC visit reports)"):
            cli.run("init")
            for code, name in (("UA", "Ukraine"), ("RU", "Russia"), ("ICRC", "ICRC")):
                cli.run("parties", "add", code, name)
            shutil.copy(self.d / "registry.csv", self.work / "registry.csv")
            cli.run(
                "import",
                "registry.csv",
                "--kind",
                "icrc_visit",
                "--party",
                "ICRC",
                "--received-from",
                "ICRC",
                "--json",
            )
        with self.timer("persons link"):
            proc = cli.run("persons", "link")
            self.results["persons_link_summary"] = (
                proc.stdout.strip() or proc.stderr.strip()
            ).splitlines()[-1:]
        return cli, data_dir

    def person_map(self, cli: Cli, tag: str) -> dict[int, set[str]]:
        """person id → the true people whose registry rows it holds (via source line)."""
        out = self.work / f"records-{tag}.csv"
        cli.run("export", "records", "--out", str(out), "--plaintext")
        reg_rows = _read_csv(self.d / "registry.csv")
        by_line = {i + 2: self.truth["registry"][r["external_id"]] for i, r in enumerate(reg_rows)}
        persons: dict[int, set[str]] = defaultdict(set)
        for rec in _read_csv(out):
            if rec["source"] != "registry.csv" or not rec["person_id"]:
                continue
            persons[int(rec["person_id"])].add(by_line[int(rec["line"])])
        return persons

    def linkage_quality(self, persons: dict[int, set[str]]) -> None:
        true_sizes: dict[str, set[int]] = defaultdict(set)
        for pid_, pids in persons.items():
            for p in pids:
                true_sizes[p].add(pid_)
        self.results["persons_link"] = {
            "persons_holding_two_or_more_people": sum(1 for v in persons.values() if len(v) > 1),
            "people_split_over_two_or_more_persons": sum(
                1 for v in true_sizes.values() if len(v) > 1
            ),
            "people": len(true_sizes),
        }

    # -- lists validate, end to end
    def validate(self, cli: Cli, persons: dict[int, set[str]]) -> None:
        n = len(self.truth["list"])
        with self.timer("agreements create, lists import (offer), lists validate"):
            cli.run(
                "agreements",
                "create",
                "--name",
                "evaluation",
                "--parties",
                "UA,RU",
                "--per-side",
                str(n),
                "--category",
                f"all:n_for_n:{n}:serviceman",
                "--stage",
                f"2025-10-02:all={n}",
            )
            shutil.copy(self.d / "list.csv", self.work / "list.csv")
            version = cli.json(
                "lists",
                "import",
                "list.csv",
                "--agreement",
                "1",
                "--party",
                "RU",
                "--direction",
                "offer",
                "--json",
            )
            report = cli.json("lists", "validate", str(version["id"]), "--json")
        by_line = {e["line"]: e for e in self.truth["list"]}
        right = wrong = missed = absent_resolved = 0
        right_by, absent_by = Breakdown(), Breakdown()
        present = absent = 0
        for line in report["lines"]:
            truth = by_line[line["entry"]["line"]]
            pid = line.get("person_id")
            got = persons.get(pid, set()) if pid is not None else set()
            if truth["pid"] is None:
                absent += 1
                absent_resolved += pid is not None
                absent_by.add([truth["outsider"]], pid is not None)
            else:
                right_by.add(tags_of(truth), pid is not None and truth["pid"] in got)
                present += 1
                if pid is None:
                    missed += 1
                elif truth["pid"] in got:
                    right += 1
                else:
                    wrong += 1
        self.results["validate"] = {
            "right": _ratio(right, present),
            "wrong": _ratio(wrong, present),
            "not_resolved": _ratio(missed, present),
            "absent_resolved": _ratio(absent_resolved, absent),
            "present": present,
            "absent": absent,
            "right_by_noise": right_by.as_dict(),
            "absent_resolved_by_kind": absent_by.as_dict(),
        }

    # -- search recall@1, the name and date as listed
    def search(self, cli: Cli, persons: dict[int, set[str]], limit: int | None) -> None:
        rows = _read_csv(self.d / "list.csv")
        calls: list[list[str]] = []
        truths: list[str] = []
        entries: list[dict[str, Any]] = []
        for i, row in enumerate(rows):
            t = self.truth["list"][i]
            if t["pid"] is None:
                continue
            if "ФИО" in row:
                name = row["ФИО"]
            else:
                name = " ".join(x for x in (row["Фамилия"], row["Имя"], row["Отчество"]) if x)
            born = row["Дата рождения"]
            call = ["search", name, "--json", "--limit", "3"]
            if born:
                call += ["--born", born]
            calls.append(call)
            truths.append(t["pid"])
            entries.append(t)
        if limit is not None:
            calls, truths = calls[:limit], truths[:limit]
        with self.timer(f"search × {len(calls)} (one CLI process)"):
            outs = cli.batch(calls)
        # the batch driver must print what the command prints
        for call, (_code, out) in zip(calls[:2], outs[:2], strict=False):
            real = cli.run(*call, check=False)
            if real.stdout.strip() != out.strip():
                raise RuntimeError("search through the batch driver differs from the command")
        hits = errors = 0
        by = Breakdown()
        for (code, out), pid, t in zip(outs, truths, entries, strict=False):
            if code != 0:
                errors += 1
                by.add(tags_of(t), False)
                continue
            res = json.loads(out)
            hit = bool(res) and pid in persons.get(res[0]["person_id"], set())
            hits += hit
            by.add(tags_of(t), hit)
        self.results["search"] = {
            "recall_at_1": _ratio(hits, len(truths)),
            "queries": len(truths),
            "errors": errors,
            "recall_at_1_by_noise": by.as_dict(),
        }

    # -- homecoming link on the registry and the list
    def link(self, cli: Cli) -> None:
        reg = _read_csv(self.d / "registry_link.csv")
        rec_pid = {r["id"]: self.truth["registry"][r["id"]] for r in reg}
        entries = {t["id"]: t for t in self.truth["list"]}
        runs: dict[str, list[tuple[str, str, float]]] = {}
        for label, threshold in (("default", None), ("low", LOW_THRESHOLD)):
            out = self.work / f"links-{label}.csv"
            args = [
                "link",
                str(self.d / "registry_link.csv"),
                str(self.d / "list_link.csv"),
                "--out",
                str(out),
            ]
            if threshold is not None:
                args += ["--threshold", str(threshold)]
            with self.timer(f"link registry × list ({label} threshold)"):
                proc = cli.run(*args, check=False)
            if proc.returncode != 0:
                self.results[f"link_{label}"] = {"crash": crash_line(proc.stderr)}
                runs[label] = []
                continue
            runs[label] = [
                (r["left_id"], r["right_id"], float(r["probability"])) for r in _read_csv(out)
            ]
        truth_pairs = {(eid, t["pid"]) for eid, t in entries.items() if t["pid"]}
        outsiders = {eid for eid, t in entries.items() if t["pid"] is None}

        def score(links: Iterable[tuple[str, str, float]], threshold: float) -> dict[str, float]:
            pred: dict[tuple[str, str], float] = {}
            for left, right, prob in links:
                if prob >= threshold:
                    key = (right, rec_pid[left])
                    pred[key] = max(prob, pred.get(key, 0.0))
            tp = len(set(pred) & truth_pairs)
            res = prf(tp, len(pred) - tp, len(truth_pairs) - tp)
            best: dict[str, tuple[float, str]] = {}
            for (eid, pid), prob in pred.items():
                if eid not in best or prob > best[eid][0]:
                    best[eid] = (prob, pid)
            r1 = sum(1 for eid, pid in truth_pairs if best.get(eid, (0, ""))[1] == pid)
            res["recall_at_1"] = _ratio(r1, len(truth_pairs))
            res["outsiders_linked"] = _ratio(sum(1 for e in outsiders if e in best), len(outsiders))
            return res

        if "crash" not in self.results.get("link_default", {}):
            self.results["link_default"] = score(runs["default"], DEFAULT_THRESHOLD)
            linked: dict[str, set[str]] = defaultdict(set)
            for left, right, prob in runs["default"]:
                if prob >= DEFAULT_THRESHOLD:
                    linked[right].add(rec_pid[left])
            rec_by, out_by = Breakdown(), Breakdown()
            for eid, t in entries.items():
                if t["pid"]:
                    rec_by.add(tags_of(t), t["pid"] in linked.get(eid, set()))
                else:
                    out_by.add([t["outsider"]], bool(linked.get(eid)))
            self.results["link_default"]["recall_by_noise"] = rec_by.as_dict()
            self.results["link_default"]["outsiders_linked_by_kind"] = out_by.as_dict()
        if runs.get("default") and runs.get("low"):
            # issue 13, 4.: the same input gives the same links (the two runs share a threshold)
            a = {(x, y) for x, y, p in runs["default"] if p >= DEFAULT_THRESHOLD}
            b = {(x, y) for x, y, p in runs["low"] if p >= DEFAULT_THRESHOLD}
            self.results["link_same_links_in_two_runs"] = {"same": a == b, "differ": len(a ^ b)}
        if runs.get("low"):
            sweep = {}
            for t in [x / 100 for x in range(2, 100)] + [0.995, 0.999]:
                if t >= LOW_THRESHOLD:
                    sweep[t] = score(runs["low"], t)
            best_t = max(sweep, key=lambda t: sweep[t]["f1"])
            self.results["link_best"] = {"threshold": best_t, **sweep[best_t]}
            self.results["link_low_run_at_default"] = sweep.get(DEFAULT_THRESHOLD, {})

    # -- name-only pairs
    def pairs(self, cli: Cli, compare_limit: int | None) -> None:
        pairs = self.truth["pairs"]
        truth_same = {(p["left_id"], p["right_id"]) for p in pairs if p["same"]}
        out = self.work / "pairs-links.csv"
        with self.timer("link on name-only files"):
            proc = cli.run(
                "link",
                str(self.d / "pairs_left.csv"),
                str(self.d / "pairs_right.csv"),
                "--out",
                str(out),
                check=False,
            )
        if proc.returncode != 0:
            self.results["pairs_link"] = {"crash": crash_line(proc.stderr)}
        else:
            pred = {(r["left_id"], r["right_id"]) for r in _read_csv(out)}
            tp = len(pred & truth_same)
            self.results["pairs_link"] = prf(tp, len(pred) - tp, len(truth_same) - tp)
        chosen = pairs if compare_limit is None else pairs[:compare_limit]
        calls = [["names", "compare", p["left"], p["right"], "--json"] for p in chosen]
        with self.timer(f"names compare × {len(calls)} (one CLI process)"):
            outs = cli.batch(calls)
        real = cli.run(*calls[0], check=False)
        if json.loads(real.stdout) != json.loads(outs[0][1]):
            raise RuntimeError("names compare through the batch driver differs from the command")
        tp = fp = fn = 0
        by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for p, (code, text) in zip(chosen, outs, strict=True):
            match = code == 0 and bool(json.loads(text)["match"])
            tp += match and p["same"]
            fp += match and not p["same"]
            fn += (not match) and p["same"]
            by_kind[p["kind"]][0] += match == p["same"]
            by_kind[p["kind"]][1] += 1
        self.results["pairs_compare"] = {
            **prf(tp, fp, fn),
            "pairs": len(chosen),
            "accuracy_by_kind": {k: _ratio(a, b) for k, (a, b) in sorted(by_kind.items())},
        }

    # -- tracing: inquiries and leads
    def tracing(self, data_dir: Path) -> None:
        tdir = self.work / "tracing"
        tdir.mkdir()
        shutil.copytree(data_dir, tdir / "db")
        cli = Cli(tdir, tdir / "db")
        persons = self.person_map(cli, "tracing")
        shutil.copy(self.d / "inquiries.csv", tdir / "inquiries.csv")
        with self.timer("inquiries import, inquiries match, leads list"):
            registered = cli.json("inquiries", "import", "inquiries.csv", "--party", "UA", "--json")
            cli.json("inquiries", "match", "--json")
            leads = cli.json("leads", "list", "--json", "--limit", "10000")
        if len(registered) != len(self.truth["inquiries"]):
            raise RuntimeError(
                f"inquiries import registered {len(registered)} of "
                f"{len(self.truth['inquiries'])} inquiries"
            )
        if len(leads) >= 10000:
            print("    warning: 10,000 leads listed, the limit; some may be left out")
        index_of = {inq["id"]: i for i, inq in enumerate(registered)}
        per_inq: dict[int, list[tuple[float, set[str]]]] = defaultdict(list)
        for lead in leads:
            i = index_of.get(lead["inquiry_id"])
            if i is None:
                continue
            per_inq[i].append(
                (float(lead["score"]), persons.get(lead.get("person_id") or -1, set()))
            )
        ranked = {i: [p for _s, p in sorted(v, key=lambda x: -x[0])] for i, v in per_inq.items()}
        self.results["tracing"] = score_inquiries(self.truth["inquiries"], ranked)
        self.results["tracing_peer"] = score_inquiries(self.truth["inquiries"], self.peer())
        with self.timer("tracing's candidates, before scoring (in process)"):
            self.results["tracing_candidates"] = self.candidates(
                tdir / "db", [inq["id"] for inq in registered], persons
            )

    def candidates(
        self, data_dir: Path, inquiry_ids: list[int], persons: dict[int, set[str]]
    ) -> dict[str, Any]:
        """Candidate generation alone, by inquiry class: is the sought person among the records
        tracing scores (`leads.matching.candidates`: the search index's proposals and their
        persons' other records), and how many persons are proposed."""
        from sqlalchemy import select

        from homecoming.services.leads.matching import candidates
        from homecoming.services.search import SearchService
        from homecoming.store.db import Database
        from homecoming.store.models import Record

        db = Database(f"sqlite:///{data_dir / 'homecoming.sqlite3'}")
        try:
            found = candidates(db, SearchService(db), inquiry_ids)
            with db.reading() as session:
                rows = session.execute(select(Record.id, Record.person_id))
                person_of = {record: person for record, person in rows}
        finally:
            db.dispose()
        index_of = {inquiry: i for i, inquiry in enumerate(inquiry_ids)}
        proposed = {
            index_of[inquiry]: {person_of[r] for r in records if person_of.get(r) is not None}
            for inquiry, records in found.items()
        }

        def block(items: list[dict[str, Any]]) -> dict[str, Any]:
            sought = [t for t in items if t["pid"]]
            hits = sum(
                1
                for t in sought
                if any(t["pid"] in persons.get(p, set()) for p in proposed.get(t["index"], ()))
            )
            counts = [len(proposed.get(t["index"], ())) for t in items]
            return {
                "sought": len(sought),
                "recall": _ratio(hits, len(sought)),
                "persons_mean": statistics.fmean(counts) if counts else 0.0,
                "persons_max": max(counts) if counts else 0,
            }

        truth = self.truth["inquiries"]
        classes = sorted({t["class"] for t in truth})
        return {
            "all": block(truth),
            "by_class": {c: block([t for t in truth if t["class"] == c]) for c in classes},
        }

    def peer(self) -> dict[int, list[set[str]]]:
        """unidecode + rapidfuzz token_set_ratio ≥ 90 + the same year of birth."""
        from rapidfuzz import fuzz, process
        from unidecode import unidecode

        reg = _read_csv(self.d / "registry_link.csv")
        by_year: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for r in reg:
            year, _ = parse_loose_date(r["date_of_birth"])
            if year is None:
                continue
            name = unidecode(
                " ".join(x for x in (r["family_name"], r["given_name"], r["patronymic"]) if x)
            ).lower()
            by_year[year].append((name, self.truth["registry"][r["id"]]))
        out: dict[int, list[set[str]]] = {}
        for i, row in enumerate(_read_csv(self.d / "inquiries.csv")):
            year, _ = parse_loose_date(row["Дата народження"])
            if year is None:
                continue
            q = unidecode(
                " ".join(x for x in (row["Прізвище"], row["Ім'я"], row["По батькові"]) if x)
            ).lower()
            cands = by_year.get(year, [])
            found = process.extract(
                q, [c[0] for c in cands], scorer=fuzz.token_set_ratio, score_cutoff=90, limit=None
            )
            best: dict[str, float] = {}
            for _name, sc, idx in found:
                pid = cands[idx][1]
                best[pid] = max(sc, best.get(pid, 0))
            out[i] = [{pid} for pid, _ in sorted(best.items(), key=lambda x: -x[1])]
        return out


def score_inquiries(
    truth: list[dict[str, Any]], ranked: dict[int, list[set[str]]]
) -> dict[str, Any]:
    def block(items: list[dict[str, Any]]) -> dict[str, Any]:
        sought = [t for t in items if t["pid"]]
        absent = [t for t in items if not t["pid"]]
        among = sum(1 for t in sought if any(t["pid"] in p for p in ranked.get(t["index"], [])))
        first = sum(
            1 for t in sought if ranked.get(t["index"]) and t["pid"] in ranked[t["index"]][0]
        )
        counts = [len(ranked.get(t["index"], [])) for t in items]
        return {
            "sought_among_leads": _ratio(among, len(sought)),
            "sought_first": _ratio(first, len(sought)),
            "absent_with_lead": _ratio(
                sum(1 for t in absent if ranked.get(t["index"])), len(absent)
            ),
            "leads_mean": statistics.fmean(counts) if counts else 0.0,
            "leads_max": max(counts) if counts else 0,
            "sought": len(sought),
            "absent": len(absent),
        }

    classes = sorted({t["class"] for t in truth})
    return {
        "all": block(truth),
        "by_class": {c: block([t for t in truth if t["class"] == c]) for c in classes},
    }


# ------------------------------------------------------------------ printing
def _f(x: Any, pct: bool = False) -> str:
    if x is None or (isinstance(x, float) and x != x):
        return "—"
    if isinstance(x, int):
        return str(x)
    return f"{100 * x:.1f} %" if pct else f"{x:.3f}"


def print_tables(results: dict[str, dict[str, Any]]) -> None:
    pops = list(results)
    print("\n## Issue 13: matching (" + ", ".join(pops) + ")\n")
    print("| measure | " + " | ".join(pops) + " | target |")
    print("|---|" + "---|" * len(pops) + "---|")

    def row(label: str, cell: Any, target: str) -> None:
        print(f"| {label} | " + " | ".join(cell(results[p]) for p in pops) + f" | {target} |")

    def link_cell(r: dict[str, Any]) -> str:
        d = r.get("link_default", {})
        if "crash" in d:
            return "crash: " + " ".join(d["crash"])[:80]
        return (
            f"P {_f(d.get('precision'))}, R {_f(d.get('recall'))}, F1 {_f(d.get('f1'))}, "
            f"recall@1 {_f(d.get('recall_at_1'))}, "
            f"outsiders linked {_f(d.get('outsiders_linked'), True)}"
        )

    row(
        "`link` at its default threshold",
        link_cell,
        "F1 ≥ 0.97, recall@1 ≥ 0.97, outsiders linked ≤ 1 %",
    )
    row(
        "`link`, best threshold anywhere",
        lambda r: (
            f"F1 {_f(r.get('link_best', {}).get('f1'))} "
            f"at {r.get('link_best', {}).get('threshold', '—')}"
        ),
        "",
    )
    row(
        "`lists validate`: right / wrong / absent resolved",
        lambda r: (
            f"{_f(r['validate']['right'])} / {_f(r['validate']['wrong'])} / "
            f"{_f(r['validate']['absent_resolved'], True)}"
        ),
        "≥ 0.98 / ≤ 0.003 / ≤ 1 %",
    )

    def pairs_cell(r: dict[str, Any]) -> str:
        pl = r["pairs_link"]
        a = ("crash: " + " ".join(pl["crash"])[:60]) if "crash" in pl else f"F1 {_f(pl['f1'])}"
        pc = r["pairs_compare"]
        return (
            f"`link` {a}; `names compare` F1 {_f(pc['f1'])} "
            f"(P {_f(pc['precision'])}, R {_f(pc['recall'])})"
        )

    row("name-only pairs with hard negatives", pairs_cell, "F1 ≥ 0.97")
    row(
        "`search` recall@1 (name and date as listed)",
        lambda r: _f(r["search"]["recall_at_1"]),
        "≥ 0.98",
    )
    row(
        "`persons link`: persons holding ≥ 2 people / people split",
        lambda r: (
            f"{r['persons_link']['persons_holding_two_or_more_people']} / "
            f"{r['persons_link']['people_split_over_two_or_more_persons']} "
            f"of {r['persons_link']['people']}"
        ),
        "",
    )

    def same_cell(r: dict[str, Any]) -> str:
        d = r.get("link_same_links_in_two_runs")
        return "—" if d is None else ("yes" if d["same"] else f"no ({d['differ']} pairs differ)")

    row("`link` run twice: the same links at 0.9", same_cell, "yes")

    for p in pops:
        r = results[p]
        if "tracing" not in r:
            continue
        print(f"\n## Issue 23: tracing, {p}\n")
        print("| measure | now | peer: unidecode + token-set ≥ 90 + birth year | target |")
        print("|---|---|---|---|")
        a, b = r["tracing"]["all"], r["tracing_peer"]["all"]
        print(
            f"| sought person among the leads | {_f(a['sought_among_leads'])} | "
            f"{_f(b['sought_among_leads'])} | ≥ 0.98 |"
        )
        print(
            f"| sought person is the first lead | {_f(a['sought_first'])} | "
            f"{_f(b['sought_first'])} | ≥ 0.95 |"
        )
        print(
            f"| absent people's inquiries with a lead | {_f(a['absent_with_lead'], True)} | "
            f"{_f(b['absent_with_lead'], True)} | ≤ 3 % |"
        )
        print(
            f"| leads per inquiry (mean, max) | {a['leads_mean']:.2f}, {a['leads_max']} | "
            f"{b['leads_mean']:.2f}, {b['leads_max']} | ≤ 2, ≤ 10 |"
        )
        print("\nby class (now / peer): among leads, first lead, absent with a lead, leads mean")
        print("| class | sought | absent | among | first | absent with lead | leads mean |")
        print("|---|---|---|---|---|---|---|")
        for cls, c in r["tracing"]["by_class"].items():
            q = r["tracing_peer"]["by_class"][cls]
            print(
                f"| {cls} | {c['sought']} | {c['absent']} | {_f(c['sought_among_leads'])} / "
                f"{_f(q['sought_among_leads'])} | "
                f"{_f(c['sought_first'])} / {_f(q['sought_first'])} | "
                f"{_f(c['absent_with_lead'], True)} / {_f(q['absent_with_lead'], True)} | "
                f"{c['leads_mean']:.2f} / {q['leads_mean']:.2f} |"
            )
        if "tracing_candidates" in r:
            print(
                "\ncandidate generation (the records tracing scores, before any score): the "
                "sought person among them, persons proposed per inquiry (mean, max)"
            )
            print("| class | sought | among the candidates | persons proposed |")
            print("|---|---|---|---|")
            cands = r["tracing_candidates"]
            for cls, c in [("all", cands["all"]), *cands["by_class"].items()]:
                print(
                    f"| {cls} | {c['sought']} | {_f(c['recall'])} | "
                    f"{c['persons_mean']:.1f}, {c['persons_max']} |"
                )


def print_details(results: dict[str, dict[str, Any]]) -> None:
    """Per noise class and per kind of absent person (for tuning on dev)."""
    for p, r in results.items():
        print(f"\n## By noise class, {p}: right person found (n)\n")
        print("| noise | `lists validate` right | `search` recall@1 | `link` recall at 0.9 |")
        print("|---|---|---|---|")
        v = r["validate"]["right_by_noise"]
        se = r["search"].get("recall_at_1_by_noise", {})
        li = r.get("link_default", {}).get("recall_by_noise", {})
        for tag in sorted(set(v) | set(se) | set(li)):
            cells = [
                f"{_f(d[tag]['rate'])} ({d[tag]['n']})" if tag in d else "—" for d in (v, se, li)
            ]
            print(f"| {tag} | " + " | ".join(cells) + " |")
        print(f"\n## Absent people by kind, {p}: resolved or linked to someone (n)\n")
        print("| kind | `lists validate` resolved | `link` linked at 0.9 |")
        print("|---|---|---|")
        va = r["validate"]["absent_resolved_by_kind"]
        lo = r.get("link_default", {}).get("outsiders_linked_by_kind", {})
        for kind in sorted(set(va) | set(lo)):
            cells = [
                f"{_f(d[kind]['rate'], True)} ({d[kind]['n']})" if kind in d else "—"
                for d in (va, lo)
            ]
            print(f"| {kind} | " + " | ".join(cells) + " |")
        acc = r["pairs_compare"]["accuracy_by_kind"]
        print(
            f"\n`names compare` accuracy by pair kind, {p}: "
            + ", ".join(f"{k} {_f(v)}" for k, v in acc.items())
        )


# ------------------------------------------------------------------ main
def ensure_data(split: str, size: str) -> Path:
    root = DATA / split
    if (
        not (root / size / "v1" / "truth.json").exists()
        or not (root / size / "v2" / "truth.json").exists()
    ):
        print(f"generating the {split} split ({size}) into {root}", flush=True)
        make(split, root, (size,))
    if split in HELD_OUT:
        bad = frozen_check(root, size, split)
        if bad:
            sys.exit(
                f"the {split} split no longer matches bench/independent/frozen.json "
                f"({len(bad)} file(s) differ, e.g. {bad[0]}): the generator or the files "
                "changed after the freeze. Test figures from these files would not count; "
                f"delete {root} to regenerate, and if the generator itself changed, "
                f"the {split} split is no longer the frozen one."
            )
    return root / size


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--split", choices=["dev", *HELD_OUT], default="dev")
    ap.add_argument(
        "--small", action="store_true", help="4,000 registry rows, 400 list entries, 400 inquiries"
    )
    ap.add_argument("--population", choices=["v1", "v2", "both"], default="both")
    ap.add_argument("--json-out", type=Path)
    ap.add_argument(
        "--keep", type=Path, help="work here and keep the databases (default: a temporary dir)"
    )
    ap.add_argument("--search-limit", type=int, help="search only this many list entries")
    ap.add_argument("--compare-limit", type=int, help="names compare only this many pairs")
    ap.add_argument("--details", action="store_true", help="also print figures by noise class")
    args = ap.parse_args()
    size = "small" if args.small else "full"
    data = ensure_data(args.split, size)
    pops = ["v1", "v2"] if args.population == "both" else [args.population]
    print(f"independent evaluation: split {args.split}, {size}, populations {', '.join(pops)}")
    where = subprocess.run(
        [sys.executable, "-c", "import homecoming; print(homecoming.__file__)"],
        capture_output=True,
        text=True,
        cwd=tempfile.gettempdir(),  # where the commands run (see Cli)
        env=Cli(Path.cwd(), Path.cwd()).env,
    ).stdout.strip()
    print(f"homecoming from {where or '?'}")
    results: dict[str, dict[str, Any]] = {}
    timings: dict[str, list[tuple[str, float]]] = {}
    started = time.perf_counter()
    base = args.keep or Path(tempfile.mkdtemp(prefix="hc-eval-"))
    try:
        for p in pops:
            work = base / p
            if work.exists():
                shutil.rmtree(work)
            work.mkdir(parents=True)
            print(f"\n# {p}")
            timer = Timer()
            pop = Population(data, p, work, timer)
            cli, data_dir = pop.setup_registry()
            persons = pop.person_map(cli, "registry")
            pop.linkage_quality(persons)
            pop.tracing(data_dir)
            # search the registry before the list is imported: its own records would answer
            pop.search(cli, persons, args.search_limit)
            pop.validate(cli, persons)
            pop.link(cli)
            pop.pairs(cli, args.compare_limit)
            results[p] = pop.results
            timings[p] = timer.steps
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)
    print_tables(results)
    if args.details:
        print_details(results)
    print(f"\ntotal {time.perf_counter() - started:.0f} s")
    if args.json_out:
        args.json_out.write_text(
            json.dumps(
                {
                    "split": args.split,
                    "size": size,
                    "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    "results": results,
                    "timings": {p: dict(t) for p, t in timings.items()},
                    "targets": {"issue13": TARGETS_13, "issue23": TARGETS_23},
                },
                ensure_ascii=False,
                indent=1,
            )
        )


if __name__ == "__main__":
    main()
