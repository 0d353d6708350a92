#!/usr/bin/env python3
"""Reads wrk --latency output on stdin and prints one line: requests/s, p50 and p99 latency."""
import re
import sys

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}
text = sys.stdin.read()
match = re.search(r"Requests/sec:\s+([\d.]+)", text)
if not match:
    sys.exit("wrk printed no figures:\n" + text)
rps = float(match.group(1))
percentiles = {m.group(1): float(m.group(2)) * UNITS[m.group(3)] for m in re.finditer(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\b", text, re.M)}
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
line = f"{rps:8.0f} req/s   p50 {percentiles.get('50', 0):7.2f} ms   p99 {percentiles.get('99', 0):7.2f} ms"
if errors:
    line += f"   ({errors.group(1)} non-2xx responses!)"
print(line)
