"""The regression as JUnit XML, the report format CI servers read: one suite per module, one case per notebook."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path


def write(path: Path, results, uncovered: dict[str, list[str]], left) -> None:
    root = ET.Element("testsuites", name="grader ci")
    totals = {"tests": 0, "failures": 0, "time": 0.0}
    for module_id in dict.fromkeys(r.job.module for r in results):
        mine = [r for r in results if r.job.module == module_id]
        suite = ET.SubElement(root, "testsuite", name=module_id)
        cases = [(r.job.name, r.seconds, r.problem, _details(r)) for r in mine]
        if module_id in uncovered:
            checks = ", ".join(uncovered[module_id])
            cases.append(("checks can fail", 0.0, f"No learner copy or mutant fails: {checks}.", ""))
        for name, seconds, problem, details in cases:
            case = ET.SubElement(suite, "testcase", classname=module_id, name=name, time=f"{seconds:.2f}")
            if problem:
                failure = ET.SubElement(case, "failure", message=_xml_text(problem), type="regression")
                failure.text = _xml_text(details)
        failures = sum(1 for case in cases if case[2])
        seconds = sum(case[1] for case in cases)
        suite.set("tests", str(len(cases)))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        suite.set("time", f"{seconds:.2f}")
        totals["tests"] += len(cases)
        totals["failures"] += failures
        totals["time"] += seconds
    if left:
        suite = ET.SubElement(root, "testsuite", name="cleanup", tests="1", failures="1", errors="0", time="0")
        case = ET.SubElement(suite, "testcase", classname="cleanup", name="nothing left on AWS", time="0")
        ET.SubElement(case, "failure", message=f"{len(left)} resources could not be deleted",
                      type="leftover").text = "\n".join(f"{item.describe()} ({why})" for item, why in left)
        totals["tests"] += 1
        totals["failures"] += 1
    root.set("tests", str(totals["tests"]))
    root.set("failures", str(totals["failures"]))
    root.set("errors", "0")
    root.set("time", f"{totals['time']:.2f}")
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def _xml_text(text: str) -> str:
    """XML 1.0 has no control characters; a cell's output may carry some."""
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", text)


def _details(result) -> str:
    lines = [f"learner: {result.job.learner}", f"score: {result.score}/{result.max_score}",
             f"failed: {', '.join(result.failed) or 'none'}"]
    lines += result.notes
    if result.run_dir:
        lines.append(f"run: {result.run_dir}")
    return "\n".join(lines)
