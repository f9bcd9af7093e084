#!/usr/bin/env python3
"""Recomputes the worked example of docs/PROTOCOL.md from the document's rules alone (no code shared with the
Java implementation) and checks that the document shows the same octets. Needs python3-cryptography for X25519.
Usage: icmp-codec/tools/verify-worked-example.py [path/to/PROTOCOL.md]"""
import hmac, hashlib, struct, ipaddress
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
H=bytes.fromhex
def addr(s):
    a=ipaddress.ip_address(s)
    return bytes([a.version,0,0,0])+a.packed+bytes(16-len(a.packed))
def hm(k,*p): return hmac.new(k,b''.join(p),hashlib.sha256).digest()
def csum4(b):
    if len(b)%2: b+=b'\0'
    s=sum(struct.unpack('!%dH'%(len(b)//2),b))
    while s>>16: s=(s&0xffff)+(s>>16)
    return (~s)&0xffff
def icmp(kind, body):
    m=bytearray(bytes([253,0,0,0])+b'SACI'+bytes([1,kind,0,0])+body)
    c=csum4(bytes(m)); m[2:4]=struct.pack('!H',c); return bytes(m)
A,B,AN=addr('198.18.0.1'),addr('198.18.0.2'),addr('198.19.0.1')
a=X25519PrivateKey.from_private_bytes(H('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a'))
b=X25519PrivateKey.from_private_bytes(H('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb'))
from cryptography.hazmat.primitives import serialization as S
pa=a.public_key().public_bytes(S.Encoding.Raw,S.PublicFormat.Raw); pb=b.public_key().public_bytes(S.Encoding.Raw,S.PublicFormat.Raw)
Ni=bytes(range(16)); Nr=bytes(range(16,32)); secret=H('c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf')
slot=1700000000//60
cookie=hm(secret,b'SACIP v1 cookie',struct.pack('!Q',slot),A,B,Ni)[:16]
shared=a.exchange(X25519PublicKey.from_public_bytes(pb))
prk=hm(Ni+Nr,shared); info=b'SACIP v1 keys'+A+B+pa+pb
okm=b''; t=b''; i=1
while len(okm)<104: t=hm(prk,t,info,bytes([i])); okm+=t; i+=1
i2r,r2i,kid,ren=okm[:32],okm[32:64],okm[64:72],okm[72:104]
def mac(key,src,dst,kind,body_zero_mac):
    return hm(key,src,dst,b'SACI'+bytes([1,kind,0,0])+body_zero_mac)[:16]
out={}
out['HELLO']=icmp(1,Ni+bytes(16))
out['COOKIE']=icmp(2,Ni+cookie)
out['INIT']=icmp(3,Ni+cookie+pa+bytes(16))
body=Ni+Nr+pb; out['INIT_REPLY']=icmp(4,body+mac(r2i,B,A,4,body+bytes(16)))
body=Ni+Nr; out['INIT_CONFIRM']=icmp(5,body+mac(i2r,A,B,5,body+bytes(16)))
body=kid+struct.pack('!Q',1)+A+AN; out['ADDRESS_UPDATE']=icmp(7,body+mac(i2r,AN,B,7,body+bytes(16)))
ch=bytes(range(0xa0,0xb0))
body=kid+ch; out['PATH_CHALLENGE']=icmp(9,body+mac(r2i,B,AN,9,body+bytes(16)))
out['PATH_RESPONSE']=icmp(10,body+mac(i2r,AN,B,10,body+bytes(16)))
body=kid+struct.pack('!Q',1)+A+AN; out['UPDATE_ACK']=icmp(8,body+mac(r2i,B,AN,8,body+bytes(16)))
import os, re, sys
doc_path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..', '..', 'docs', 'PROTOCOL.md')
doc = re.sub(r'\s+', '', open(doc_path).read())
failures = 0
for name, value in [('K_IR', i2r), ('K_RI', r2i), ('KID', kid), ('RS', ren), ('cookie', cookie)] + list(out.items()):
    ok = value.hex() in doc
    failures += not ok
    print(('ok     ' if ok else 'MISSING'), name, value.hex())
sys.exit(1 if failures else 0)
