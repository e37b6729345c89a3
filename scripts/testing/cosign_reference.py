#!/usr/bin/env python3
"""An independent re-implementation of cosign's key and payload formats, for moat's interoperability tests.

It shares no code with moat: keys come from `cryptography`, NaCl secretbox from `pynacl`, scrypt from
`hashlib`. Needs: pip install pynacl cryptography

Commands (all output on stdout; errors on stderr with exit status 2, a failed verification exits 1):

  generate-key-pair PREFIX [--curve p256|p384|p521 | --ed25519 | --rsa [--rsa-bits N]]
                    [--scrypt-n N] [--scrypt-r R] [--scrypt-p P] [--legacy-type]
                    [--unencrypted | --sec1 | --encrypted] [--force]
      Writes PREFIX.key and PREFIX.pub. A P-256 key is encrypted as cosign does (ENCRYPTED SIGSTORE PRIVATE KEY,
      password from COSIGN_PASSWORD, which may be empty); other algorithms are written as unencrypted PKCS#8
      unless --encrypted. --sec1 writes an unencrypted SEC 1 EC PRIVATE KEY; --legacy-type uses the older
      ENCRYPTED COSIGN PRIVATE KEY label.
  sign --key KEYFILE --payload FILE [--hash sha256|sha384|sha512] [--rsa-pss]
      Prints the base64 signature of the file's bytes (ECDSA: ASN.1 DER over SHA-256 by default; Ed25519: pure;
      RSA: PKCS#1 v1.5 with SHA-256, or PSS with --rsa-pss).
  verify --key PUBFILE --payload FILE --signature B64FILE [--hash ...] [--rsa-pss]
      Exit 0 if the signature is valid, 1 if not.
  decrypt-key KEYFILE
      Prints the key as an unencrypted PKCS#8 PEM (password from COSIGN_PASSWORD for encrypted keys).
  public-key-hint PUBFILE
      Prints base64(SHA-256(SubjectPublicKeyInfo DER)), the Sigstore bundle's publicKey.hint.
  payload --reference REPO --digest sha256:HEX [-a KEY=VALUE ...]
      Prints cosign's simple-signing payload exactly as Go's json.Marshal writes it (no trailing newline).
  secretbox-seal --key HEX --nonce HEX --message HEX
  secretbox-open --key HEX --nonce HEX --box HEX
      NaCl secretbox via pynacl; hex in, hex out (a box is the 16-byte tag followed by the ciphertext).
"""

import argparse
import base64
import hashlib
import json
import os
import sys

try:
    import nacl.exceptions
    import nacl.secret
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
except ImportError as missing:  # pragma: no cover - environment problem, reported plainly
    sys.stderr.write(f"cosign_reference.py: {missing}; install the dependencies with: pip install pynacl cryptography\n")
    sys.exit(2)

SIGSTORE_PEM_TYPE = "ENCRYPTED SIGSTORE PRIVATE KEY"
COSIGN_PEM_TYPE = "ENCRYPTED COSIGN PRIVATE KEY"
# go-securesystemslib's encrypted package accepts exactly these (legacy, standard, OWASP).
ACCEPTED_SCRYPT = {(32768, 8, 1), (65536, 8, 1), (131072, 8, 1)}
CURVES = {"p256": ec.SECP256R1, "p384": ec.SECP384R1, "p521": ec.SECP521R1}
HASHES = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}


class Failure(Exception):
    """An error reported on stderr with exit status 2."""


# --- PEM ------------------------------------------------------------------------------------------------------


def pem_encode(label, der):
    """One block, 64-character lines, as Go's pem.EncodeToMemory."""
    body = base64.b64encode(der).decode("ascii")
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    return "".join([f"-----BEGIN {label}-----\n"] + [line + "\n" for line in lines] + [f"-----END {label}-----\n"])


def pem_first_block(text):
    """(label, bytes) of the first block."""
    label = None
    body = []
    for raw in text.splitlines():
        line = raw.strip()
        if label is None:
            if line.startswith("-----BEGIN ") and line.endswith("-----"):
                label = line[len("-----BEGIN "):-5]
            continue
        if line.startswith("-----END "):
            return label, base64.b64decode("".join(body), validate=True)
        if ":" in line or not line:
            continue
        body.append(line)
    raise Failure("no complete PEM block found")


# --- cosign's encrypted private key ---------------------------------------------------------------------------


def b64(data):
    return base64.b64encode(data).decode("ascii")


def scrypt_key(password, salt, n, r, p):
    # hashlib refuses to use more than maxmem; scrypt needs about 128 * r * (n + p) bytes.
    return hashlib.scrypt(password, salt=salt, n=n, r=r, p=p, maxmem=128 * r * (n + p + 2) + (1 << 20), dklen=32)


def password_from_env():
    password = os.environ.get("COSIGN_PASSWORD")
    if password is None:
        raise Failure("set COSIGN_PASSWORD (an empty value means an empty password)")
    return password.encode("utf-8")


def encrypt_private_key(pkcs8_der, password, n, r, p, label):
    salt = os.urandom(32)
    nonce = os.urandom(24)
    key = scrypt_key(password, salt, n, r, p)
    box = nacl.secret.SecretBox(key).encrypt(pkcs8_der, nonce).ciphertext  # tag || ciphertext, like Go's Seal
    envelope = {
        "kdf": {"name": "scrypt", "params": {"N": n, "r": r, "p": p}, "salt": b64(salt)},
        "cipher": {"name": "nacl/secretbox", "nonce": b64(nonce)},
        "ciphertext": b64(box),
    }
    return pem_encode(label, json.dumps(envelope, separators=(",", ":")).encode("ascii"))


def decrypt_private_key(body, password):
    envelope = json.loads(body)
    kdf = envelope["kdf"]
    cipher = envelope["cipher"]
    if kdf["name"] != "scrypt":
        raise Failure(f"unsupported kdf {kdf['name']!r}")
    if cipher["name"] != "nacl/secretbox":
        raise Failure(f"unsupported cipher {cipher['name']!r}")
    params = (kdf["params"]["N"], kdf["params"]["r"], kdf["params"]["p"])
    if params not in ACCEPTED_SCRYPT:
        raise Failure(f"unexpected kdf parameters N={params[0]} r={params[1]} p={params[2]}")
    nonce = base64.b64decode(cipher["nonce"])
    if len(nonce) != 24:
        raise Failure("the nonce must be 24 bytes")
    key = scrypt_key(password, base64.b64decode(kdf["salt"]), *params)
    try:
        return nacl.secret.SecretBox(key).decrypt(base64.b64decode(envelope["ciphertext"]), nonce)
    except nacl.exceptions.CryptoError:
        raise Failure("decryption failed: wrong password or corrupted key")


def load_private_key(path):
    with open(path, "rb") as handle:
        data = handle.read()
    label, body = pem_first_block(data.decode("utf-8"))
    if label in (SIGSTORE_PEM_TYPE, COSIGN_PEM_TYPE):
        der = decrypt_private_key(body, password_from_env())
        return serialization.load_der_private_key(der, password=None)
    return serialization.load_pem_private_key(data, password=None)


def load_public_key(path):
    with open(path, "rb") as handle:
        return serialization.load_pem_public_key(handle.read())


# --- commands -------------------------------------------------------------------------------------------------


def generate_key_pair(args):
    if args.ed25519:
        private_key = ed25519.Ed25519PrivateKey.generate()
    elif args.rsa:
        private_key = rsa.generate_private_key(public_exponent=65537, key_size=args.rsa_bits)
    else:
        private_key = ec.generate_private_key(CURVES[args.curve]())
    is_p256 = not args.ed25519 and not args.rsa and args.curve == "p256"
    encrypt = args.encrypted or (is_p256 and not args.unencrypted and not args.sec1)
    pkcs8 = private_key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    if encrypt:
        label = COSIGN_PEM_TYPE if args.legacy_type else SIGSTORE_PEM_TYPE
        private_pem = encrypt_private_key(pkcs8, password_from_env(), args.scrypt_n, args.scrypt_r, args.scrypt_p, label)
    elif args.sec1:
        if args.ed25519 or args.rsa:
            raise Failure("--sec1 is for EC keys")
        sec1 = private_key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption())
        private_pem = pem_encode("EC PRIVATE KEY", sec1)
    else:
        private_pem = pem_encode("PRIVATE KEY", pkcs8)
    spki = private_key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    public_pem = pem_encode("PUBLIC KEY", spki)
    key_path, pub_path = args.prefix + ".key", args.prefix + ".pub"
    for path in (key_path, pub_path):
        if os.path.lexists(path) and not args.force:
            raise Failure(f"{path} already exists (use --force)")
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    with os.fdopen(os.open(key_path, flags, 0o600), "w") as handle:
        handle.write(private_pem)
    with os.fdopen(os.open(pub_path, flags, 0o644), "w") as handle:
        handle.write(public_pem)
    print(f"Private key written to {key_path}")
    print(f"Public key written to {pub_path}")
    return 0


def signature_scheme(key, args):
    """(sign, verify) functions for the key's algorithm."""
    digest = HASHES[args.hash]()
    if isinstance(key, (ec.EllipticCurvePrivateKey, ec.EllipticCurvePublicKey)):
        return (lambda data: key.sign(data, ec.ECDSA(digest)), lambda sig, data: key.verify(sig, data, ec.ECDSA(digest)))
    if isinstance(key, (ed25519.Ed25519PrivateKey, ed25519.Ed25519PublicKey)):
        return (lambda data: key.sign(data), lambda sig, data: key.verify(sig, data))
    if isinstance(key, (rsa.RSAPrivateKey, rsa.RSAPublicKey)):
        if args.rsa_pss:
            scheme = padding.PSS(mgf=padding.MGF1(digest), salt_length=digest.digest_size)
        else:
            scheme = padding.PKCS1v15()
        return (lambda data: key.sign(data, scheme, digest), lambda sig, data: key.verify(sig, data, scheme, digest))
    raise Failure(f"unsupported key type {type(key).__name__}")


def sign(args):
    key = load_private_key(args.key)
    with open(args.payload, "rb") as handle:
        payload = handle.read()
    signer, _ = signature_scheme(key, args)
    print(b64(signer(payload)))
    return 0


def verify(args):
    key = load_public_key(args.key)
    with open(args.payload, "rb") as handle:
        payload = handle.read()
    with open(args.signature, "rb") as handle:
        text = handle.read().strip()
    try:
        signature = base64.b64decode(text, validate=True)
    except ValueError:
        print("invalid signature: not base64")
        return 1
    _, verifier = signature_scheme(key, args)
    try:
        verifier(signature, payload)
    except (InvalidSignature, ValueError) as error:
        print(f"invalid signature: {str(error) or 'verification failed'}")
        return 1
    print("Verified OK")
    return 0


def decrypt_key(args):
    key = load_private_key(args.keyfile)
    pkcs8 = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    sys.stdout.write(pem_encode("PRIVATE KEY", pkcs8))
    return 0


def public_key_hint(args):
    key = load_public_key(args.pubfile)
    spki = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    print(b64(hashlib.sha256(spki).digest()))
    return 0


def go_json(value):
    """json.Marshal's bytes: no whitespace, UTF-8, and Go's HTML-safe escapes."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text.encode("utf-8")


def payload(args):
    if not args.digest.startswith("sha256:") or len(args.digest) != 71:
        raise Failure("--digest must be sha256:<64 hex digits>")
    optional = None
    if args.annotation:
        annotations = {}
        for item in args.annotation:
            key, separator, value = item.partition("=")
            if not separator:
                raise Failure(f"annotation {item!r} is not KEY=VALUE")
            annotations[key] = value
        optional = {key: annotations[key] for key in sorted(annotations)}
    document = {
        "critical": {
            "identity": {"docker-reference": args.reference},
            "image": {"docker-manifest-digest": args.digest},
            "type": "cosign container image signature",
        },
        "optional": optional,
    }
    sys.stdout.buffer.write(go_json(document))
    sys.stdout.buffer.flush()
    return 0


def secretbox_arguments(args):
    try:
        return bytes.fromhex(args.key), bytes.fromhex(args.nonce)
    except ValueError:
        raise Failure("--key and --nonce must be hex")


def secretbox_seal(args):
    key, nonce = secretbox_arguments(args)
    print(nacl.secret.SecretBox(key).encrypt(bytes.fromhex(args.message), nonce).ciphertext.hex())
    return 0


def secretbox_open(args):
    key, nonce = secretbox_arguments(args)
    try:
        print(nacl.secret.SecretBox(key).decrypt(bytes.fromhex(args.box), nonce).hex())
    except nacl.exceptions.CryptoError as error:
        print(f"secretbox open failed: {error}")
        return 1
    return 0


def parser():
    root = argparse.ArgumentParser(description="cosign key formats, re-implemented for interoperability tests")
    commands = root.add_subparsers(dest="command", required=True)

    generate = commands.add_parser("generate-key-pair")
    generate.add_argument("prefix")
    kind = generate.add_mutually_exclusive_group()
    kind.add_argument("--curve", choices=sorted(CURVES), default="p256")
    kind.add_argument("--ed25519", action="store_true")
    kind.add_argument("--rsa", action="store_true")
    generate.add_argument("--rsa-bits", type=int, default=2048)
    generate.add_argument("--scrypt-n", type=int, default=65536)
    generate.add_argument("--scrypt-r", type=int, default=8)
    generate.add_argument("--scrypt-p", type=int, default=1)
    generate.add_argument("--legacy-type", action="store_true")
    form = generate.add_mutually_exclusive_group()
    form.add_argument("--unencrypted", action="store_true")
    form.add_argument("--sec1", action="store_true")
    form.add_argument("--encrypted", action="store_true")
    generate.add_argument("--force", action="store_true")
    generate.set_defaults(run=generate_key_pair)

    for name, run in (("sign", sign), ("verify", verify)):
        command = commands.add_parser(name)
        command.add_argument("--key", required=True)
        command.add_argument("--payload", required=True)
        if name == "verify":
            command.add_argument("--signature", required=True)
        command.add_argument("--hash", choices=sorted(HASHES), default="sha256")
        command.add_argument("--rsa-pss", action="store_true")
        command.set_defaults(run=run)

    decrypt = commands.add_parser("decrypt-key")
    decrypt.add_argument("keyfile")
    decrypt.set_defaults(run=decrypt_key)

    hint = commands.add_parser("public-key-hint")
    hint.add_argument("pubfile")
    hint.set_defaults(run=public_key_hint)

    simple = commands.add_parser("payload")
    simple.add_argument("--reference", required=True)
    simple.add_argument("--digest", required=True)
    simple.add_argument("-a", "--annotation", action="append", default=[])
    simple.set_defaults(run=payload)

    seal = commands.add_parser("secretbox-seal")
    seal.add_argument("--key", required=True)
    seal.add_argument("--nonce", required=True)
    seal.add_argument("--message", required=True)
    seal.set_defaults(run=secretbox_seal)

    unseal = commands.add_parser("secretbox-open")
    unseal.add_argument("--key", required=True)
    unseal.add_argument("--nonce", required=True)
    unseal.add_argument("--box", "--ciphertext", dest="box", required=True)
    unseal.set_defaults(run=secretbox_open)
    return root


def main():
    args = parser().parse_args()
    try:
        return args.run(args)
    except Failure as error:
        sys.stderr.write(f"cosign_reference.py {args.command}: {error}\n")
        return 2
    except (OSError, ValueError, KeyError, TypeError) as error:
        sys.stderr.write(f"cosign_reference.py {args.command}: {type(error).__name__}: {error}\n")
        return 2


if __name__ == "__main__":
    sys.exit(main())
