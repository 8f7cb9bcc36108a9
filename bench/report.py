#!/usr/bin/env python3
"""Bookkeeping for bench/run.sh: raw samples in, comparison lines and one
JSON result file out. Everything lives in the run's output directory OUT.

  report.py add OUT BENCH SIDE SECONDS           one timing sample
  report.py add-interleave OUT JSON              interleave.py's samples (commands named BENCH:SIDE;
                                                 CPU times go to BENCH-cpu)
  report.py compare OUT NAME BENCH OURS BASE [--unit s|ms] [--min-ratio R]
                                                 [--goal TEXT]
      prints "NAME: ours X, baseline(BASE) Y, ratio Y/X" from the medians of
      the samples of this run; --min-ratio R marks the goal ratio >= R
  report.py value OUT NAME VALUE UNIT [--max M] [--goal TEXT]
                                                 a single measured value
  report.py text OUT NAME LINE                   a line produced elsewhere (dlsym)
  report.py finish OUT RESULT_JSON COMMAND       writes the result file with the machine
"""
import json
import os
import platform
import statistics
import subprocess
import sys


def samples(out, bench, side):
    vals = []
    path = os.path.join(out, "samples.jsonl")
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                s = json.loads(line)
                if s["bench"] == bench and s["side"] == side:
                    vals.append(s["seconds"])
    return vals


def append(out, name, record):
    with open(os.path.join(out, name), "a") as f:
        f.write(json.dumps(record, sort_keys=True) + "\n")


def fmt(seconds, unit):
    if unit == "ms":
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.3f} s"


def options(args, names):
    opts = {}
    rest = []
    i = 0
    while i < len(args):
        if args[i] in names:
            opts[args[i]] = args[i + 1]
            i += 2
        else:
            rest.append(args[i])
            i += 1
    return opts, rest


def machine():
    def run(argv):
        try:
            return subprocess.run(argv, capture_output=True, text=True, check=False).stdout.strip()
        except OSError:
            return ""

    cpu = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_kb = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    os_name = ""
    if os.path.exists("/etc/os-release"):
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    os_name = line.split("=", 1)[1].strip().strip('"')
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_mb": mem_kb // 1024,
        "os": os_name,
        "kernel": platform.release(),
        "gcc": run(["gcc", "--version"]).splitlines()[0:1],
        "binutils": run(["ld", "--version"]).splitlines()[0:1],
        "mold": run(["mold", "--version"]),
        "lld": run(["ld.lld", "--version"]),
        "python": run(["/usr/bin/python3", "--version"]),
    }


def main():
    cmd, out, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    if cmd == "add":
        bench, side, seconds = args
        append(out, "samples.jsonl", {"bench": bench, "side": side, "seconds": float(seconds)})
    elif cmd == "add-interleave":
        (path,) = args
        with open(path) as f:
            results = json.load(f)["results"]
        for r in results:
            bench, side = r["name"].split(":", 1)
            for t in r["times"]:
                append(out, "samples.jsonl", {"bench": bench, "side": side, "seconds": t})
            for t in r["cpu"]:
                append(out, "samples.jsonl", {"bench": bench + "-cpu", "side": side, "seconds": t})
    elif cmd == "compare":
        opts, (name, bench, ours, base) = options(args, {"--unit", "--min-ratio", "--goal"})
        unit = opts.get("--unit", "s")
        x, y = samples(out, bench, ours), samples(out, bench, base)
        mx, my = statistics.median(x), statistics.median(y)
        ratio = my / mx
        line = f"{name}: ours {fmt(mx, unit)}, baseline({base}) {fmt(my, unit)}, ratio Y/X {ratio:.2f}"
        rec = {"name": name, "bench": bench, "ours": ours, "baseline": base, "runs": [len(x), len(y)],
               "ours_median_s": mx, "baseline_median_s": my, "ours_min_s": min(x), "baseline_min_s": min(y),
               "ratio_baseline_over_ours": round(ratio, 3)}
        if "--min-ratio" in opts:
            goal = float(opts["--min-ratio"])
            rec["goal"] = opts.get("--goal", f"ratio >= {goal}")
            rec["goal_met"] = ratio >= goal
            line += f"  [goal {rec['goal']}: {'met' if rec['goal_met'] else 'MISSED'}]"
        line += f"  (median of {len(x)}/{len(y)} runs)"
        rec["line"] = line
        append(out, "results.jsonl", rec)
        print(line, flush=True)
    elif cmd == "value":
        opts, (name, value, unit) = options(args, {"--max", "--goal"})
        v = float(value)
        line = f"{name}: {v:g} {unit}"
        rec = {"name": name, "value": v, "unit": unit}
        if "--max" in opts:
            rec["goal"] = opts.get("--goal", f"<= {opts['--max']} {unit}")
            rec["goal_met"] = v <= float(opts["--max"])
            line += f"  [goal {rec['goal']}: {'met' if rec['goal_met'] else 'MISSED'}]"
        rec["line"] = line
        append(out, "results.jsonl", rec)
        print(line, flush=True)
    elif cmd == "text":
        name, line = args
        append(out, "results.jsonl", {"name": name, "line": line})
    elif cmd == "finish":
        result_json, command = args
        results = []
        path = os.path.join(out, "results.jsonl")
        if os.path.exists(path):
            with open(path) as f:
                results = [json.loads(line) for line in f]
        extra = {}
        for name in ("dlsym.json", "postprocess-large.json", "postprocess-examples.json"):
            p = os.path.join(out, name)
            if os.path.exists(p):
                with open(p) as f:
                    extra[name[:-5]] = json.load(f)
        doc = {"command": command, "machine": machine(), "results": results, "details": extra}
        with open(result_json, "w") as f:
            json.dump(doc, f, indent=2, sort_keys=True)
            f.write("\n")
        print(f"wrote {result_json}")
    else:
        sys.exit(f"report.py: unknown command {cmd}")


if __name__ == "__main__":
    main()
