# Sends UDP datagrams with a forged source address over a raw socket (needs root).
# Usage: forge.py SRC_HOST SRC_PORT DST_HOST DST_PORT BASE64_PAYLOAD [BASE64_PAYLOAD ...]
# Loopback only: the tests forge 127.0.0.0/8 sources to 127.0.0.1.
import base64, socket, struct, sys

src, sport, dst, dport = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
if not (src.startswith('127.') and dst.startswith('127.')):
    sys.exit('forge.py sends on loopback only')
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
for arg in sys.argv[5:]:
    payload = base64.b64decode(arg)
    udp = struct.pack('!HHHH', sport, dport, 8 + len(payload), 0) + payload  # checksum 0: none (IPv4)
    # The kernel fills in the total length, the checksum and the id.
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 0, 0, 0, 64, socket.IPPROTO_UDP, 0, socket.inet_aton(src), socket.inet_aton(dst))
    s.sendto(ip + udp, (dst, 0))
