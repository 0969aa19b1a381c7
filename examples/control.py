"""Drive a modbus-emu device from a Python test through the HTTP control channel (standard library only).

    modbus-emu devices/pump.yaml --control 127.0.0.1:8502 --journal --clock manual
    python3 examples/control.py http://127.0.0.1:8502
"""
import json
import sys
import urllib.error
import urllib.request

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8502"


def call(method, path, body=None):
    """One JSON request; returns (status, parsed body). 4xx replies carry {"error", "message"}."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(BASE + path, data=data, method=method, headers={"content-type": "application/json"} if data else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, json.load(reply)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


assert call("GET", "/health")[1]["status"] == "ok"
device = call("GET", "/devices")[1]["devices"][0]["id"]          # "pump"

# Set the line voltage from the test, read it back by name.
status, point = call("PUT", f"/devices/{device}/points/lineVoltage", {"value": 231.5})
assert status == 200 and point["value"] == 231.5, point

# Raw registers by table and 0-based address: the control word at 8501.
call("PUT", f"/devices/{device}/tables/holding/8501", {"values": [0x000F]})
assert call("GET", f"/devices/{device}/tables/holding/8501?quantity=2")[1]["values"][0] == 0x000F

# A mistake is a 4xx with a sentence, never a crash.
status, error = call("PUT", f"/devices/{device}/points/frequencyReference", {"value": "fast"})
assert status == 400, error
print("refused:", error["message"])

# Emulator time moves only when told (--clock manual).
assert call("POST", "/clock/advance", {"ms": 60000})[1]["now"] == 60000

# Make the device answer every holding-register read with exception 06 (busy), then take it away.
status, rules = call("POST", f"/devices/{device}/faults", {"name": "busy", "match": {"function": 3}, "do": {"exception": 6}})
assert status == 200 and rules["injected"] == ["busy"], rules
assert call("DELETE", f"/devices/{device}/faults/busy")[1]["injected"] == []

# What Modbus clients asked, filtered; then cleared for the next test.
records = call("GET", f"/devices/{device}/journal?function=3")[1]["records"]
print(f"{len(records)} holding-register reads so far")
call("DELETE", f"/devices/{device}/journal")

# Every point, generator and fault counter back to the profile's start.
assert call("POST", f"/devices/{device}/reset")[1]["reset"] is True
print("ok")
