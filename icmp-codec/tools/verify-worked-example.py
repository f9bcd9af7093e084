#!/usr/bin/env python3
"""Recomputes the worked examples of docs/PROTOCOL.md (sections 11, 13.11 and 15.9) from the document's rules alone (no
code shared with the Java implementation) and checks that the document shows the same values and octets. Needs the
Python package `cryptography` for X25519 and AES-GCM (Debian: python3-cryptography).
Usage: icmp-codec/tools/verify-worked-example.py [path/to/PROTOCOL.md]"""
import hashlib
import hmac
import ipaddress
import os
import re
import struct
import sys

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

H = bytes.fromhex
VERSION = 2


def addr(text):
    """Section 3: family, three zero octets, 16 address octets (IPv4 in the first four)."""
    a = ipaddress.ip_address(text)
    return bytes([a.version, 0, 0, 0]) + a.packed + bytes(16 - len(a.packed))


def hm(key, *parts):
    return hmac.new(key, b''.join(parts), hashlib.sha256).digest()


def mac16(key, *parts):
    return hm(key, *parts)[:16]


def ones_sum(data):
    """The one's-complement sum of 16-bit big-endian words, folded (RFC 1071)."""
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def pseudo_header(src, dst, length):
    """RFC 8200 8.1 for ICMPv6; IPv4 has none."""
    s, d = ipaddress.ip_address(src), ipaddress.ip_address(dst)
    if s.version == 4:
        return b''
    return s.packed + d.packed + struct.pack('!I', length) + bytes(3) + bytes([58])


def icmp(kind, body, src, dst):
    """A whole ICMP message: type 253/200, code 0, checksum, magic, version, kind, reserved, body."""
    icmp_type = 253 if ipaddress.ip_address(src).version == 4 else 200
    m = bytearray(bytes([icmp_type, 0, 0, 0]) + b'SACI' + bytes([VERSION, kind, 0, 0]) + body)
    checksum = (~ones_sum(pseudo_header(src, dst, len(m)) + bytes(m))) & 0xffff
    m[2:4] = struct.pack('!H', checksum)
    return bytes(m)


def signed(kind, body_before_mac, key, src, dst):
    """Section 5.3: the MAC covers addr(source) | addr(destination) | SACIP part with the MAC zeroed."""
    sacip_part = b'SACI' + bytes([VERSION, kind, 0, 0]) + body_before_mac + bytes(16)
    return icmp(kind, body_before_mac + mac16(key, addr(src), addr(dst), sacip_part), src, dst)


def raw_public(private):
    return private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def keys(shared, ni, nr, ia, ra, si, sr, renewal_secret=b''):
    """Section 5.2: HKDF-SHA256, salt Ni | Nr, IKM Z (| RS_old), 104 octets."""
    prk = hm(ni + nr, shared + renewal_secret)
    info = b'SACIP v1 keys' + addr(ia) + addr(ra) + si + sr
    okm, t, i = b'', b'', 1
    while len(okm) < 104:
        t = hm(prk, t, info, bytes([i]))
        okm += t
        i += 1
    return {'K_IR': okm[:32], 'K_RI': okm[32:64], 'KID': okm[64:72], 'RS': okm[72:104]}


def cookie(secret, time, initiator, responder, ni):
    return mac16(secret, b'SACIP v1 cookie', struct.pack('!Q', time // 60), addr(initiator), addr(responder), ni)


def udp_digest(payload):
    """The UDP proof digest of the claims section."""
    return hashlib.sha256(b'SACIP v2 udp first datagram' + struct.pack('!H', len(payload)) + payload[:256]).digest()[:8]


A, B, A_NEW = '198.18.0.1', '198.18.0.2', '198.19.0.1'
A6, B6 = '2001:db8::a', '2001:db8::b'
a_priv = X25519PrivateKey.from_private_bytes(H('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a'))
b_priv = X25519PrivateKey.from_private_bytes(H('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb'))
a2_priv = X25519PrivateKey.from_private_bytes(bytes(range(0x40, 0x60)))
b2_priv = X25519PrivateKey.from_private_bytes(bytes(range(0x60, 0x80)))
SI, SR, SI2, SR2 = raw_public(a_priv), raw_public(b_priv), raw_public(a2_priv), raw_public(b2_priv)
Ni, Nr = bytes(range(16)), bytes(range(16, 32))
Ni2, Nr2 = bytes(range(0x20, 0x30)), bytes(range(0x30, 0x40))
SECRET = H('c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf')
TIME = 1700000000
CHALLENGE = bytes(range(0xa0, 0xb0))

values, out = {}, {}

# First handshake, A -> B.
Z = a_priv.exchange(X25519PublicKey.from_public_bytes(SR))
assert Z == b_priv.exchange(X25519PublicKey.from_public_bytes(SI))
values.update({'SI': SI, 'SR': SR, 'Z': Z})
k1 = keys(Z, Ni, Nr, A, B, SI, SR)
values.update({name: v for name, v in k1.items()})
c1 = cookie(SECRET, TIME, A, B, Ni)
values['cookie'] = c1
out['HELLO'] = icmp(1, Ni + bytes(16), A, B)
out['COOKIE'] = icmp(2, Ni + c1, B, A)
out['INIT'] = icmp(3, Ni + c1 + SI + bytes(16), A, B)
out['INIT_REPLY'] = signed(4, Ni + Nr + SR, k1['K_RI'], B, A)
out['INIT_CONFIRM'] = signed(5, Ni + Nr, k1['K_IR'], A, B)

# A claims a TCP connection (A port 50000 -> B port 443, A is the client) and a UDP flow (50001 -> 53).
syn_ack_seq, syn_ack_ack = 0x0a0b0c0d, 0x00000000
client_isn, server_isn = (syn_ack_ack - 1) % 2 ** 32, syn_ack_seq
tcp_proof = struct.pack('!II', client_isn, server_isn) + bytes(8)
payload_a = bytes(i % 256 for i in range(300))
payload_b = b'hello'
da, db = udp_digest(payload_a), udp_digest(payload_b)
values.update({'TCP proof': tcp_proof, 'UDP digest A': da, 'UDP digest B': db})
entries = [(6, 0, 50000, 443, tcp_proof), (17, 0, 50001, 53, da + db)]
claim_body = (k1['KID'] + struct.pack('!Q', 1) + addr(A) + addr(B) + struct.pack('!HH', len(entries), 0)
              + b''.join(struct.pack('!BBHHH', p, f, hp, pp, 0) + proof for p, f, hp, pp, proof in entries))
out['CLAIM'] = signed(12, claim_body, k1['K_IR'], A, B)
BOUND = 1
reply_body = (k1['KID'] + struct.pack('!Q', 1) + addr(A) + struct.pack('!HH', len(entries), 0)
              + b''.join(struct.pack('!BBHHH', BOUND, p, hp, pp, hp) for p, f, hp, pp, proof in entries))
out['CLAIM_REPLY'] = signed(13, reply_body, k1['K_RI'], B, A)

# A moves to A_NEW.
update_body = k1['KID'] + struct.pack('!Q', 1) + addr(A) + addr(A_NEW)
out['ADDRESS_UPDATE'] = signed(7, update_body, k1['K_IR'], A_NEW, B)
out['PATH_CHALLENGE'] = signed(9, k1['KID'] + CHALLENGE, k1['K_RI'], B, A_NEW)
out['PATH_RESPONSE'] = signed(10, k1['KID'] + CHALLENGE, k1['K_IR'], A_NEW, B)
out['UPDATE_ACK'] = signed(8, update_body, k1['K_RI'], B, A_NEW)

# Renewal from A_NEW; the new key stays bound to A and B, IKM = Z2 | RS_old.
Z2 = a2_priv.exchange(X25519PublicKey.from_public_bytes(SR2))
values.update({'renewal SI': SI2, 'renewal SR': SR2, 'renewal Z': Z2})
k2 = keys(Z2, Ni2, Nr2, A, B, SI2, SR2, k1['RS'])
values.update({'renewed ' + name: v for name, v in k2.items()})
out['REKEY'] = signed(6, k1['KID'] + bytes(8) + Ni2 + SI2, k1['K_IR'], A_NEW, B)
out['RENEWAL INIT_REPLY'] = signed(4, Ni2 + Nr2 + SR2, k2['K_RI'], B, A_NEW)
out['RENEWAL INIT_CONFIRM'] = signed(5, Ni2 + Nr2, k2['K_IR'], A_NEW, B)

# The same hosts over IPv6, same private keys and nonces.
k6 = keys(Z, Ni, Nr, A6, B6, SI, SR)
values.update({'IPv6 ' + name: v for name, v in k6.items()})
c6 = cookie(SECRET, TIME, A6, B6, Ni)
values['IPv6 cookie'] = c6
out['IPv6 INIT'] = icmp(3, Ni + c6 + SI + bytes(16), A6, B6)
out['IPv6 INIT_REPLY'] = signed(4, Ni + Nr + SR, k6['K_RI'], B6, A6)
out['IPv6 INIT_CONFIRM'] = signed(5, Ni + Nr, k6['K_IR'], A6, B6)

# The checksum pair: a HELLO whose last nonce word makes the RFC 1071 checksum 0x0000.
prefix = bytes(range(14))
word = struct.unpack('!H', icmp(1, prefix + bytes(2) + bytes(16), A, B)[2:4])[0]
zero_hello = icmp(1, prefix + struct.pack('!H', word) + bytes(16), A, B)
values['zero-checksum Ni'] = prefix + struct.pack('!H', word)
assert zero_hello[2:4] == b'\0\0', 'the chosen nonce gives checksum 0x0000'
ones_hello = zero_hello[:2] + b'\xff\xff' + zero_hello[4:]
for name, m in (('checksum 0x0000', zero_hello), ('checksum 0xffff', ones_hello)):
    assert ones_sum(m) == 0xffff, name + ': a receiver finds the sum folds to 0xffff'
    out['HELLO with ' + name] = m

# Section 13.11: the first handshake over UDP, A (198.18.0.1:40000) behind a NAT that maps it to 198.19.255.1:61000,
# B at its agent port 4253; then A's keepalive challenge and B's response under the first key.
A_UDP, B_UDP, A_PUBLIC = (A, 40000), (B, 4253), ('198.19.255.1', 61000)


def udp_envelope(src, dst):
    """Section 13.2: "SACU", framing version 1, type 1, reserved; stated source and destination; their ports."""
    return b'SACU' + bytes([1, 1, 0, 0]) + addr(src[0]) + addr(dst[0]) + struct.pack('!HH', src[1], dst[1])


def udp(kind, body, src, dst):
    return udp_envelope(src, dst) + b'SACI' + bytes([VERSION, kind, 0, 0]) + body


def udp_signed(kind, body_before_mac, key, src, dst):
    """Section 13.3: the MAC covers the whole datagram with the MAC zeroed."""
    return udp(kind, body_before_mac + mac16(key, udp(kind, body_before_mac + bytes(16), src, dst)), src, dst)


def udp_cookie(secret, time, initiator, responder, ni):
    """Section 13.6: the observed initiator endpoint and the responder's local endpoint, ports included."""
    return mac16(secret, b'SACIP v2 udp cookie', struct.pack('!Q', time // 60), addr(initiator[0]),
                 struct.pack('!H', initiator[1]), addr(responder[0]), struct.pack('!H', responder[1]), ni)


cu = udp_cookie(SECRET, TIME, A_PUBLIC, B_UDP, Ni)
values['UDP cookie'] = cu
ku = keys(Z, Ni, Nr, A, B, SI, SR)
assert ku == k1, 'IA and RA are the stated addresses: the keys of the first handshake'
out['UDP HELLO'] = udp(1, Ni + bytes(16), A_UDP, B_UDP)
out['UDP COOKIE'] = udp(2, Ni + cu, B_UDP, A_PUBLIC)
out['UDP INIT'] = udp(3, Ni + cu + SI + bytes(16), A_UDP, B_UDP)
out['UDP INIT_REPLY'] = udp_signed(4, Ni + Nr + SR, ku['K_RI'], B_UDP, A_PUBLIC)
out['UDP INIT_CONFIRM'] = udp_signed(5, Ni + Nr, ku['K_IR'], A_UDP, B_UDP)
KEEPALIVE = bytes(range(0xb0, 0xc0))
out['UDP keepalive PATH_CHALLENGE'] = udp_signed(9, ku['KID'] + KEEPALIVE, ku['K_IR'], A_UDP, B_UDP)
out['UDP keepalive PATH_RESPONSE'] = udp_signed(10, ku['KID'] + KEEPALIVE, ku['K_RI'], B_UDP, A_PUBLIC)

# Section 15.9: A, behind the NAT, opens a tunnel under the first key; B accepts; one data datagram each way.
NO, NA = bytes(range(0xe0, 0xf0)), bytes(range(0xf0, 0x100))
out['TUNNEL_OPEN'] = udp_signed(14, ku['KID'] + NO + bytes(16), ku['K_IR'], A_UDP, B_UDP)
out['TUNNEL_ACCEPT'] = udp_signed(15, ku['KID'] + NO + NA, ku['K_RI'], B_UDP, A_PUBLIC)
assert len(out['TUNNEL_OPEN']) == len(out['TUNNEL_ACCEPT']) == 116


def hkdf(salt, ikm, info, length):
    """RFC 5869 with HMAC-SHA256."""
    prk, okm, t, i = hm(salt, ikm), b'', b'', 1
    while len(okm) < length:
        t = hm(prk, t, info, bytes([i]))
        okm += t
        i += 1
    return okm[:length]


tunnel_info = b'SACIP v2 tunnel' + ku['KID']
tunnel_okm = hkdf(NO + NA, ku['RS'], tunnel_info, 72)
TID, K_OA, K_AO = tunnel_okm[:8], tunnel_okm[8:40], tunnel_okm[40:72]
values.update({'tunnel info': tunnel_info, 'tunnel id': TID, 'K_OA': K_OA, 'K_AO': K_AO})
INNER = H('45000028000140004006aea7c6120001c6120002c35001bb000000000a0b0c0e5010faf04d970000')
values['inner packet'] = INNER


def data_datagram(key, counter, inner):
    """Section 15.4: "SACU" 1 2 0 0 | tunnel id | counter, then AES-256-GCM with that header as associated data."""
    header = b'SACU' + bytes([1, 2, 0, 0]) + TID + struct.pack('!Q', counter)
    return header + AESGCM(key).encrypt(bytes(4) + struct.pack('!Q', counter), inner, header)


out['tunnel data A -> B'] = data_datagram(K_OA, 0, INNER)
out['tunnel data B -> A (empty)'] = data_datagram(K_AO, 0, b'')

doc_path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..', '..', 'docs',
                                                               'PROTOCOL.md')
doc = re.sub(r'\s+', '', open(doc_path).read())
failures = 0
for name, value in list(values.items()) + list(out.items()):
    ok = value.hex() in doc
    failures += not ok
    print(('ok     ' if ok else 'MISSING'), name, value.hex() if len(value) <= 32 else '(%d octets)' % len(value))
print('%d values and messages, %d missing' % (len(values) + len(out), failures))
sys.exit(1 if failures else 0)
