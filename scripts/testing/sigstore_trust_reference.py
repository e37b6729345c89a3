#!/usr/bin/env python3
"""An independent maker of Sigstore trust material, for testing moat's SigstoreTrust module.

Everything here is built with the `cryptography` package and the standard library only, without
looking at moat's Swift code, so agreement between the two is evidence rather than an echo:

  rekor-key PREFIX
      PREFIX.key (PKCS#8 PEM) and PREFIX.pub (PUBLIC KEY PEM): a P-256 key for a fake Rekor.
  rekor-bundle --rekor-key K --payload FILE --signature B64FILE --public-key PEMFILE
               [--integrated-time T] [--log-index N]
      Prints cosign's `dev.sigstore.cosign/bundle` annotation JSON: a hashedrekord 0.0.1 body for
      the payload, signature and key (or certificate), and a signed entry timestamp (SET) over it.
  set-payload --body B64 --integrated-time T --log-index N --log-id HEX
      Prints, without a trailing newline, the canonical JSON a SET signs.
  fulcio-ca PREFIX
      PREFIX-root.pem/.key (self-signed P-384 root) and PREFIX-intermediate.pem/.key (P-384,
      code-signing EKU, path length 0), shaped like Fulcio's.
  fulcio-leaf --ca PREFIX --identity EMAIL_OR_URI --issuer URL [--not-before T] [--minutes 10]
              [--no-codesigning] [--issuer-v1-only] [--other-name] [--out OUTPREFIX]
      OUTPREFIX-leaf.pem and OUTPREFIX-leaf.key (P-256 PKCS#8; OUTPREFIX defaults to PREFIX),
      issued by the intermediate: empty subject, critical SAN (email, URI or Fulcio's otherName),
      code-signing EKU and Fulcio's OIDC issuer extensions (1.3.6.1.4.1.57264.1.1 raw bytes and
      1.3.6.1.4.1.57264.1.8 DER UTF8String).
  trusted-root --ca PREFIX [--ca PREFIX ...] --rekor-key K.pub [--rekor-key ...]
               [--ca-valid-from T] [--ca-valid-until T]
      Prints a Sigstore `trusted_root.json` (mediaType ...trustedroot+json;version=0.1).
  sign --key KEYFILE --payload FILE
      Prints the base64 ECDSA SHA-256 DER signature of the payload with the PEM private key.

Times T are Unix seconds. The canonical JSON is made with
json.dumps(sort_keys=True, separators=(",", ":")), which equals RFC 8785 for the ASCII strings
and integers a SET covers.
"""

import argparse
import base64
import datetime
import hashlib
import json
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

OID_ISSUER_V1 = ObjectIdentifier("1.3.6.1.4.1.57264.1.1")
OID_ISSUER_V2 = ObjectIdentifier("1.3.6.1.4.1.57264.1.8")
OID_OTHERNAME_USERNAME = ObjectIdentifier("1.3.6.1.4.1.57264.1.7")


def canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode("utf-8")


def b64(data):
    return base64.b64encode(data).decode("ascii")


def read(path):
    with open(path, "rb") as handle:
        return handle.read()


def write(path, data):
    with open(path, "wb") as handle:
        handle.write(data)


def private_pem(key):
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def public_der(key):
    return key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def load_private(path):
    return serialization.load_pem_private_key(read(path), password=None)


def utc(seconds):
    return datetime.datetime.fromtimestamp(seconds, tz=datetime.timezone.utc)


def rfc3339(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def der_utf8string(text):
    body = text.encode("utf-8")
    if len(body) < 0x80:
        length = bytes([len(body)])
    elif len(body) < 0x100:
        length = bytes([0x81, len(body)])
    else:
        length = bytes([0x82, len(body) >> 8, len(body) & 0xFF])
    return b"\x0c" + length + body


def command_rekor_key(args):
    key = ec.generate_private_key(ec.SECP256R1())
    write(args.prefix + ".key", private_pem(key))
    write(
        args.prefix + ".pub",
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
    )


def set_payload(body_b64, integrated_time, log_index, log_id):
    return {"body": body_b64, "integratedTime": integrated_time, "logID": log_id, "logIndex": log_index}


def command_rekor_bundle(args):
    rekor = load_private(args.rekor_key)
    payload = read(args.payload)
    signature_b64 = read(args.signature).decode("ascii").strip()
    key_pem = read(args.public_key)
    entry = {
        "apiVersion": "0.0.1",
        "kind": "hashedrekord",
        "spec": {
            "data": {"hash": {"algorithm": "sha256", "value": hashlib.sha256(payload).hexdigest()}},
            "signature": {"content": signature_b64, "publicKey": {"content": b64(key_pem)}},
        },
    }
    body_b64 = b64(canonical(entry))
    log_id = hashlib.sha256(public_der(rekor)).hexdigest()
    integrated_time = args.integrated_time if args.integrated_time is not None else int(
        datetime.datetime.now(datetime.timezone.utc).timestamp()
    )
    signed = canonical(set_payload(body_b64, integrated_time, args.log_index, log_id))
    entry_timestamp = rekor.sign(signed, ec.ECDSA(hashes.SHA256()))
    annotation = {
        "SignedEntryTimestamp": b64(entry_timestamp),
        "Payload": {
            "body": body_b64,
            "integratedTime": integrated_time,
            "logIndex": args.log_index,
            "logID": log_id,
        },
    }
    sys.stdout.write(json.dumps(annotation) + "\n")


def command_set_payload(args):
    sys.stdout.buffer.write(canonical(set_payload(args.body, args.integrated_time, args.log_index, args.log_id)))


def ca_validity():
    now = datetime.datetime.now(datetime.timezone.utc)
    return now - datetime.timedelta(days=5 * 365), now + datetime.timedelta(days=10 * 365)


def command_fulcio_ca(args):
    start, end = ca_validity()
    root_key = ec.generate_private_key(ec.SECP384R1())
    root_name = x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "sigstore.dev"),
        x509.NameAttribute(NameOID.COMMON_NAME, "moat test sigstore root " + args.prefix.rsplit("/", 1)[-1]),
    ])
    root = (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=True, path_length=1), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA384())
    )
    intermediate_key = ec.generate_private_key(ec.SECP384R1())
    intermediate_name = x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "sigstore.dev"),
        x509.NameAttribute(NameOID.COMMON_NAME, "moat test sigstore intermediate " + args.prefix.rsplit("/", 1)[-1]),
    ])
    intermediate = (
        x509.CertificateBuilder()
        .subject_name(intermediate_name)
        .issuer_name(root_name)
        .public_key(intermediate_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CODE_SIGNING]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(intermediate_key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False
        )
        .sign(root_key, hashes.SHA384())
    )
    write(args.prefix + "-root.pem", root.public_bytes(serialization.Encoding.PEM))
    write(args.prefix + "-root.key", private_pem(root_key))
    write(args.prefix + "-intermediate.pem", intermediate.public_bytes(serialization.Encoding.PEM))
    write(args.prefix + "-intermediate.key", private_pem(intermediate_key))


def command_fulcio_leaf(args):
    intermediate = x509.load_pem_x509_certificate(read(args.ca + "-intermediate.pem"))
    intermediate_key = load_private(args.ca + "-intermediate.key")
    key = ec.generate_private_key(ec.SECP256R1())
    start = utc(args.not_before) if args.not_before is not None else datetime.datetime.now(
        datetime.timezone.utc
    ).replace(microsecond=0)
    end = start + datetime.timedelta(minutes=args.minutes)
    if args.other_name:
        name = x509.OtherName(OID_OTHERNAME_USERNAME, der_utf8string(args.identity))
    elif "://" in args.identity:
        name = x509.UniformResourceIdentifier(args.identity)
    else:
        name = x509.RFC822Name(args.identity)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([]))
        .issuer_name(intermediate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(intermediate.public_key()), critical=False
        )
        .add_extension(x509.SubjectAlternativeName([name]), critical=True)
        .add_extension(x509.UnrecognizedExtension(OID_ISSUER_V1, args.issuer.encode("utf-8")), critical=False)
    )
    if not args.no_codesigning:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CODE_SIGNING]), critical=False
        )
    if not args.issuer_v1_only:
        builder = builder.add_extension(
            x509.UnrecognizedExtension(OID_ISSUER_V2, der_utf8string(args.issuer)), critical=False
        )
    leaf = builder.sign(intermediate_key, hashes.SHA384())
    out = args.out if args.out else args.ca
    write(out + "-leaf.pem", leaf.public_bytes(serialization.Encoding.PEM))
    write(out + "-leaf.key", private_pem(key))


def command_trusted_root(args):
    start, _ = ca_validity()
    authorities = []
    for prefix in args.ca:
        root = x509.load_pem_x509_certificate(read(prefix + "-root.pem"))
        intermediate = x509.load_pem_x509_certificate(read(prefix + "-intermediate.pem"))
        valid_for = {"start": rfc3339(utc(args.ca_valid_from) if args.ca_valid_from is not None else start)}
        if args.ca_valid_until is not None:
            valid_for["end"] = rfc3339(utc(args.ca_valid_until))
        authorities.append({
            "subject": {"organization": "sigstore.dev", "commonName": "sigstore"},
            "uri": "https://fulcio.example.test",
            "certChain": {"certificates": [
                {"rawBytes": b64(intermediate.public_bytes(serialization.Encoding.DER))},
                {"rawBytes": b64(root.public_bytes(serialization.Encoding.DER))},
            ]},
            "validFor": valid_for,
        })
    tlogs = []
    for path in args.rekor_key:
        public = serialization.load_pem_public_key(read(path))
        der = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        tlogs.append({
            "baseUrl": "https://rekor.example.test",
            "hashAlgorithm": "SHA2_256",
            "publicKey": {
                "rawBytes": b64(der),
                "keyDetails": "PKIX_ECDSA_P256_SHA_256",
                "validFor": {"start": rfc3339(start)},
            },
            "logId": {"keyId": b64(hashlib.sha256(der).digest())},
        })
    root = {
        "mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
        "tlogs": tlogs,
        "certificateAuthorities": authorities,
        "ctlogs": [],
        "timestampAuthorities": [],
    }
    sys.stdout.write(json.dumps(root, indent=2) + "\n")


def command_sign(args):
    key = load_private(args.key)
    signature = key.sign(read(args.payload), ec.ECDSA(hashes.SHA256()))
    sys.stdout.write(b64(signature) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)

    rekor_key = commands.add_parser("rekor-key")
    rekor_key.add_argument("prefix")
    rekor_key.set_defaults(run=command_rekor_key)

    bundle = commands.add_parser("rekor-bundle")
    bundle.add_argument("--rekor-key", required=True)
    bundle.add_argument("--payload", required=True)
    bundle.add_argument("--signature", required=True)
    bundle.add_argument("--public-key", required=True)
    bundle.add_argument("--integrated-time", type=int)
    bundle.add_argument("--log-index", type=int, default=1)
    bundle.set_defaults(run=command_rekor_bundle)

    payload = commands.add_parser("set-payload")
    payload.add_argument("--body", required=True)
    payload.add_argument("--integrated-time", type=int, required=True)
    payload.add_argument("--log-index", type=int, required=True)
    payload.add_argument("--log-id", required=True)
    payload.set_defaults(run=command_set_payload)

    ca = commands.add_parser("fulcio-ca")
    ca.add_argument("prefix")
    ca.set_defaults(run=command_fulcio_ca)

    leaf = commands.add_parser("fulcio-leaf")
    leaf.add_argument("--ca", required=True)
    leaf.add_argument("--identity", required=True)
    leaf.add_argument("--issuer", required=True)
    leaf.add_argument("--not-before", type=int)
    leaf.add_argument("--minutes", type=int, default=10)
    leaf.add_argument("--no-codesigning", action="store_true")
    leaf.add_argument("--issuer-v1-only", action="store_true")
    leaf.add_argument("--other-name", action="store_true")
    leaf.add_argument("--out")
    leaf.set_defaults(run=command_fulcio_leaf)

    trusted = commands.add_parser("trusted-root")
    trusted.add_argument("--ca", action="append", required=True)
    trusted.add_argument("--rekor-key", action="append", required=True)
    trusted.add_argument("--ca-valid-from", type=int)
    trusted.add_argument("--ca-valid-until", type=int)
    trusted.set_defaults(run=command_trusted_root)

    sign = commands.add_parser("sign")
    sign.add_argument("--key", required=True)
    sign.add_argument("--payload", required=True)
    sign.set_defaults(run=command_sign)

    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
