"""What pymodbus (Debian's python3-pymodbus, run with Debian's python3) sees from modbus-emu.

argv[1]: a JSON list of [label, port]; each port serves a device whose rule fires for the first
read of holding registers 0..1 (values 7, 8). For each, in its own thread: read twice, then say
whether the client still believes it is connected. Prints one JSON object: label -> result.
Timeouts are short (0.3 s) and pymodbus retries nothing, so a dropped reply is one timeout.
"""
import json
import sys
import threading

import pymodbus
from pymodbus.client import ModbusTcpClient


def outcome(client):
    try:
        reply = client.read_holding_registers(0, 2, slave=1)
    except Exception as error:  # pymodbus raises for some broken frames
        return "raises %s: %s" % (type(error).__name__, error)
    if reply.isError():
        code = getattr(reply, "exception_code", None)
        return "exception %d" % code if code is not None else "%s: %s" % (type(reply).__name__, reply)
    return json.dumps(reply.registers, separators=(",", ":"))


def run(label, port, results):
    client = ModbusTcpClient("127.0.0.1", port=port, timeout=1, retries=0)
    client.connect()
    first = outcome(client)
    connected = client.is_socket_open()
    second = outcome(client)
    client.close()
    results[label] = {"first": first, "connectedAfterFirst": connected, "second": second}


def main():
    results = {}
    threads = [threading.Thread(target=run, args=(label, port, results)) for label, port in json.loads(sys.argv[1])]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps({"version": pymodbus.__version__, "results": results}))


main()
