"""What pymodbus's TLS client (Debian's python3-pymodbus, run with Debian's python3) sees from
modbus-emu serving Modbus/TCP Security.

argv[1]: the port; argv[2]: the CA that issued the server's certificate; then pairs of
label, certificate file, key file ("-" for none). For each client: read holding registers
8501..8502, write 0x000F to 8501, and say what came back. Prints one JSON object: label -> result.

pymodbus 3.0's own TLS framer sends bare PDUs (no MBAP header); the Modbus/TCP Security
specification keeps the MBAP header inside TLS, so the socket framer is given explicitly. And
its synchronous client's recv() waits in select() on the socket before each read: it misses
bytes TLS has already decrypted (it reads a reply in two parts, and the second part is in the TLS
buffer, not the socket: it times out) and fails on TLS 1.3 records that hold no application data
(session tickets: SSLWantReadError). `Client` reads what TLS holds first; the rest is pymodbus's.
"""
import json
import select
import ssl
import sys
import time

import pymodbus
from pymodbus.client import ModbusTlsClient
from pymodbus.exceptions import ConnectionException
from pymodbus.framer.socket_framer import ModbusSocketFramer


class Client(ModbusTlsClient):
    """ModbusTlsClient with a recv() that reads bytes TLS already holds before waiting on the socket."""

    def recv(self, size):
        if not self.socket:
            raise ConnectionException(str(self))
        self.socket.setblocking(0)
        end = time.time() + self.params.timeout
        data = b""
        while size is None or len(data) < size:
            if not self.socket.pending():
                left = end - time.time()
                if left <= 0 or not select.select([self.socket], [], [], left)[0]:
                    break
            try:
                chunk = self.socket.recv((size or 4096) - len(data))
            except ssl.SSLWantReadError:
                continue
            if chunk == b"":
                break
            data += chunk
            if size is None:
                break
        return data


def outcome(call):
    try:
        reply = call()
    except Exception as error:
        return "raises %s" % type(error).__name__
    if reply.isError():
        code = getattr(reply, "exception_code", None)
        return "exception %d" % code if code is not None else "%s: %s" % (type(reply).__name__, reply)
    return json.dumps(getattr(reply, "registers", "ok"), separators=(",", ":"))


def run(port, ca, cert, key):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_verify_locations(cafile=ca)
    if cert != "-":
        context.load_cert_chain(certfile=cert, keyfile=key)
    client = Client("127.0.0.1", port=port, sslctx=context, server_hostname="localhost",
                    framer=ModbusSocketFramer, timeout=1, retries=0)
    connected = client.connect()
    result = {
        "connected": connected,
        "read": outcome(lambda: client.read_holding_registers(8501, 2, slave=1)),
        "write": outcome(lambda: client.write_register(8501, 0x000F, slave=1)),
    }
    client.close()
    return result


def main():
    port, ca, rest = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
    results = {}
    for i in range(0, len(rest), 3):
        label, cert, key = rest[i:i + 3]
        results[label] = run(port, ca, cert, key)
    print(json.dumps({"version": pymodbus.__version__, "results": results}))


main()
