"""pymodbus's RTU framer against modbus-emu (Debian's python3-pymodbus, run with Debian's python3).

argv[1]: `tcp` and a port (RTU over TCP), or `serial` and a device path (one end of a pty pair).
Reads holding register 8501 of unit 1 (the bundled pump's controlWord), writes 250 to 8502, reads
it back; prints one JSON object. Timeouts are 1 s and pymodbus retries nothing.
"""
import json
import sys

from pymodbus.client import ModbusSerialClient, ModbusTcpClient
from pymodbus.transaction import ModbusRtuFramer


def registers(reply):
    if reply.isError():
        return "error: %s" % reply
    return reply.registers


def main():
    kind, where = sys.argv[1], sys.argv[2]
    if kind == "tcp":
        client = ModbusTcpClient("127.0.0.1", port=int(where), framer=ModbusRtuFramer, timeout=1, retries=0)
    else:
        # strict=False: pyserial cannot set an inter-byte timeout on a pseudo-terminal.
        client = ModbusSerialClient(where, framer=ModbusRtuFramer, baudrate=19200, parity="E", timeout=1, retries=0, strict=False)
    client.connect()
    try:
        control = registers(client.read_holding_registers(8501, 1, slave=1))
        written = client.write_register(8502, 250, slave=1)
        back = registers(client.read_holding_registers(8502, 1, slave=1))
        print(json.dumps({"controlWord": control, "wrote": not written.isError(), "frequencyReference": back}))
    finally:
        client.close()


main()
