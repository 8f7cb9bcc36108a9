#!/usr/bin/env python3
"""Times short commands interleaved: every round runs each command once, in
a shuffled order, so a noisy neighbour slows all of them alike (hyperfine
runs all of one command, then all of the next).

    interleave.py [--runs N] [--warmup N] [--env NAME=VALUE]... --json OUT \
        NAME=ARGV_JSON...

Each command is NAME=["argv0", "arg", ...] (a JSON list: no shell). Its
stdout and stderr go to /dev/null; a non-zero exit stops everything. Writes
OUT: {"results": [{"name", "argv", "times": [wall seconds...],
"cpu": [user+sys seconds of the child...]}]}, in the order given.
"""
import json
import os
import random
import sys
import time


def run_once(argv, env):
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        t0 = time.perf_counter()
        pid = os.posix_spawn(argv[0], argv, env,
                             file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1),
                                           (os.POSIX_SPAWN_DUP2, devnull, 2)])
        _, status, ru = os.wait4(pid, 0)
        t1 = time.perf_counter()
    finally:
        os.close(devnull)
    if status != 0:
        sys.exit(f"interleave.py: {argv} failed (wait status {status})")
    return t1 - t0, ru.ru_utime + ru.ru_stime


def main():
    args = sys.argv[1:]
    runs, warmup, out = 100, 5, None
    env = dict(os.environ)
    commands = []
    while args:
        a = args.pop(0)
        if a == "--runs":
            runs = int(args.pop(0))
        elif a == "--warmup":
            warmup = int(args.pop(0))
        elif a == "--json":
            out = args.pop(0)
        elif a == "--env":
            k, v = args.pop(0).split("=", 1)
            env[k] = v
        else:
            name, argv = a.split("=", 1)
            commands.append((name, json.loads(argv)))
    if not out or not commands:
        sys.exit(__doc__)
    results = [{"name": n, "argv": a, "times": [], "cpu": []} for n, a in commands]
    rng = random.Random(1)
    order = list(range(len(commands)))
    for r in range(warmup + runs):
        rng.shuffle(order)
        for i in order:
            wall, cpu = run_once(commands[i][1], env)
            if r >= warmup:
                results[i]["times"].append(wall)
                results[i]["cpu"].append(cpu)
    with open(out, "w") as f:
        json.dump({"results": results}, f)


if __name__ == "__main__":
    main()
