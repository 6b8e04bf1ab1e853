#!/usr/bin/env python3
"""Reference timings for Tide's resolver benchmark, using Python's resolvelib.

Reads an offline index (the JSON format of `tide resolve --index`:
{"packages": {name: {version: {dependency: range}}}, "yanked": {name: [version]}}),
resolves roots with resolvelib and prints timing JSON, so the ratio to Tide's resolver can be
measured on the same machine in the same run.

    python3 -m venv /tmp/resolvelib-venv && /tmp/resolvelib-venv/bin/pip install resolvelib
    /tmp/resolvelib-venv/bin/python scripts/bench/resolvelib_reference.py INDEX.json --all \
        --root "stream-runtime =0.1.0" --root "stream-runtime =0.1.0; vision-utils ^2.2.0"

A root is one or more `name range` requirements separated by ";". `--all` sweeps every version
of every package as its own root (`name =version`). Range semantics follow Tide's (Cargo caret and
tilde with partial versions, comparator sets joined by ",", alternatives by "||", npm's prerelease
rule); yanked versions are only chosen when a root pins them with "=".
"""

import argparse
import json
import re
import signal
import statistics
import sys
import time

import resolvelib
from resolvelib import AbstractProvider, BaseReporter, Resolver
from resolvelib.resolvers import ResolutionImpossible, ResolutionTooDeep

# ---------------------------------------------------------------- versions


def parse_prerelease(text):
    if not text:
        return ()
    parts = []
    for part in text.split("."):
        parts.append((0, int(part), "") if part.isdigit() else (1, 0, part))
    return tuple(parts)


def parse_version(text):
    core, _, _build = text.partition("+")
    core, dash, pre = core.partition("-")
    numbers = core.split(".")
    if len(numbers) != 3 or not all(n.isdigit() for n in numbers):
        raise ValueError(f'invalid version "{text}"')
    return (int(numbers[0]), int(numbers[1]), int(numbers[2]), parse_prerelease(pre if dash else ""))


def version_key(version):
    """Sort key with SemVer precedence: a prerelease sorts before its release."""
    major, minor, patch, pre = version
    return (major, minor, patch, 0 if pre else 1, pre)


# ---------------------------------------------------------------- ranges

COMPARATOR = re.compile(r"^(>=|<=|=|\^|~|>|<)?\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?$")


def bump(major, minor=None, patch=None):
    if patch is not None:
        return (major, minor, patch + 1, ())
    if minor is not None:
        return (major, minor + 1, 0, ())
    return (major + 1, 0, 0, ())


class Comparator:
    def __init__(self, text):
        match = COMPARATOR.match(text.strip())
        if not match:
            raise ValueError(f'invalid comparator "{text}"')
        op, major, minor, patch, pre = match.groups()
        op = op or "^"
        major = int(major)
        minor = int(minor) if minor is not None else None
        patch = int(patch) if patch is not None else None
        if minor is None and patch is not None:
            minor = 0
        self.pre = parse_prerelease(pre) if pre else ()
        self.core = (major, minor or 0, patch or 0)
        floor = (major, minor or 0, patch or 0, self.pre)
        lower, lower_inclusive, upper, upper_inclusive = floor, True, None, False
        if op == "=":
            upper, upper_inclusive = (floor, True) if patch is not None else (bump(major, minor), False)
        elif op == "^":
            if major > 0 or minor is None:
                upper = bump(major)
            elif minor > 0 or patch is None:
                upper = bump(0, minor)
            else:
                upper = bump(0, 0, patch)
        elif op == "~":
            upper = bump(major, minor) if minor is not None else bump(major)
        elif op == ">":
            if patch is not None:
                lower_inclusive = False
            else:
                lower = bump(major, minor) if minor is not None else bump(major)
        elif op == "<":
            lower, upper = None, floor
        elif op == "<=":
            lower = None
            upper, upper_inclusive = (floor, True) if patch is not None else (bump(major, minor) if minor is not None else bump(major), False)
        self.lower = version_key(lower) if lower else None
        self.lower_inclusive = lower_inclusive
        self.upper = version_key(upper) if upper else None
        self.upper_inclusive = upper_inclusive

    def admits(self, key):
        if self.lower is not None and (key < self.lower if self.lower_inclusive else key <= self.lower):
            return False
        if self.upper is not None and (key > self.upper if self.upper_inclusive else key >= self.upper):
            return False
        return True


class Range:
    def __init__(self, text):
        self.text = text
        self.sets = []
        for alternative in text.split("||"):
            alternative = alternative.strip()
            if alternative == "*":
                self.sets.append([])
            else:
                self.sets.append([Comparator(part) for part in alternative.split(",")])
        parts = [c for s in self.sets for c in s]
        self.exact = None
        if len(self.sets) == 1 and len(parts) == 1 and text.strip().startswith("=") and text.count(".") >= 2:
            self.exact = parse_version(text.strip()[1:].strip())

    def contains(self, version):
        key = version_key(version)
        for comparators in self.sets:
            if all(c.admits(key) for c in comparators):
                if not version[3]:
                    return True
                if any(c.pre and c.core == version[:3] for c in comparators):
                    return True
        return False


# ---------------------------------------------------------------- provider


class Requirement:
    __slots__ = ("name", "range")

    def __init__(self, name, range_):
        self.name = name
        self.range = range_

    def __repr__(self):
        return f"{self.name} {self.range.text}"


class Candidate:
    __slots__ = ("name", "version", "text", "key")

    def __init__(self, name, version, text):
        self.name = name
        self.version = version
        self.text = text
        self.key = version_key(version)


class IndexProvider(AbstractProvider):
    def __init__(self, index, pins):
        self.index = index
        self.pins = pins

    def identify(self, requirement_or_candidate):
        return requirement_or_candidate.name

    def get_preference(self, identifier, resolutions, candidates, information, backtrack_causes):
        return (sum(1 for _ in candidates[identifier]), identifier)

    def find_matches(self, identifier, requirements, incompatibilities):
        package = self.index.versions.get(identifier)
        if package is None:
            return []
        requirements = list(requirements[identifier])
        excluded = {c.key for c in incompatibilities[identifier]}
        matches = []
        for candidate, yanked in package:
            if candidate.key in excluded:
                continue
            if yanked and (identifier, candidate.key) not in self.pins:
                continue
            if all(r.range.contains(candidate.version) for r in requirements):
                matches.append(candidate)
        return matches

    def is_satisfied_by(self, requirement, candidate):
        return requirement.range.contains(candidate.version)

    def get_dependencies(self, candidate):
        return self.index.dependencies[(candidate.name, candidate.key)]


class Index:
    def __init__(self, document):
        yanked = {(name, version_key(parse_version(v))) for name, vs in document.get("yanked", {}).items() for v in vs}
        ranges = {}
        self.versions = {}
        self.dependencies = {}
        for name, versions in document["packages"].items():
            entries = []
            for text, deps in versions.items():
                candidate = Candidate(name, parse_version(text), text)
                entries.append((candidate, (name, candidate.key) in yanked))
                reqs = []
                for dep, range_text in sorted(deps.items()):
                    if range_text not in ranges:
                        ranges[range_text] = Range(range_text)
                    reqs.append(Requirement(dep, ranges[range_text]))
                self.dependencies[(name, candidate.key)] = reqs
            entries.sort(key=lambda entry: entry[0].key, reverse=True)
            self.versions[name] = entries


# ---------------------------------------------------------------- timing


class Timeout(Exception):
    pass


def on_alarm(signum, frame):
    raise Timeout()


def parse_root(text):
    requirements = []
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        name, _, range_text = part.partition(" ")
        requirements.append(Requirement(name, Range(range_text.strip() or "*")))
    return requirements


def resolve(index, requirements, timeout, max_rounds):
    pins = set()
    for requirement in requirements:
        if requirement.range.exact is not None:
            pins.add((requirement.name, version_key(requirement.range.exact)))
    resolver = Resolver(IndexProvider(index, pins), BaseReporter())
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        result = resolver.resolve(requirements, max_rounds=max_rounds)
        return "resolved", len(result.mapping)
    except ResolutionImpossible:
        return "unsatisfiable", None
    except ResolutionTooDeep:
        return "too_deep", None
    except Timeout:
        return "timed_out", None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("index", help="index JSON file")
    parser.add_argument("--all", action="store_true", help="sweep every version of every package as its own root")
    parser.add_argument("--root", action="append", default=[], help='requirements "name range[; name range...]"')
    parser.add_argument("--repetitions", type=int, default=3, help="repetitions of the sweep (median reported)")
    parser.add_argument("--root-repetitions", type=int, default=11, help="repetitions of each --root")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per root before giving up")
    parser.add_argument("--max-rounds", type=int, default=100000, help="resolvelib max_rounds")
    args = parser.parse_args()

    with open(args.index) as handle:
        index = Index(json.load(handle))
    signal.signal(signal.SIGALRM, on_alarm)
    report = {"tool": "resolvelib", "version": resolvelib.__version__, "python": sys.version.split()[0]}

    if args.all:
        roots = [
            (name, candidate)
            for name in sorted(index.versions)
            for candidate, _ in sorted(index.versions[name], key=lambda entry: entry[0].key)
        ]
        samples = []
        counts = {}
        for _ in range(max(1, args.repetitions)):
            counts = {}
            start = time.perf_counter()
            for name, candidate in roots:
                status, _ = resolve(index, [Requirement(name, Range("=" + candidate.text))], args.timeout, args.max_rounds)
                counts[status] = counts.get(status, 0) + 1
            samples.append((time.perf_counter() - start) * 1000)
        report["sweep"] = {
            "roots": len(roots),
            "counts": counts,
            "repetitions": len(samples),
            "medianMilliseconds": statistics.median(samples),
            "minimumMilliseconds": min(samples),
        }

    report["roots"] = []
    for text in args.root:
        requirements = parse_root(text)
        samples = []
        status, size = None, None
        for _ in range(max(1, args.root_repetitions)):
            start = time.perf_counter()
            status, size = resolve(index, requirements, args.timeout, args.max_rounds)
            samples.append((time.perf_counter() - start) * 1000)
        report["roots"].append({
            "root": text,
            "status": status,
            "solutionPackages": size,
            "medianMilliseconds": statistics.median(samples),
        })
    json.dump(report, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
