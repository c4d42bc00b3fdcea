"""The cipher suites (issue 20): standard test vectors for SM2/SM3/SM4 and the suite interface."""

from __future__ import annotations

import json
import os

import gmssl_fast
import pytest

from zongzhi_desktop.sync import suites
from zongzhi_desktop.sync.keys import key_id, open_secret, seal_secret
from zongzhi_desktop.sync.suites import SuiteError, compress_point, expand_point

GM = suites.get("gm-1")
NACL = suites.get("nacl-1")

# GB/T 32918 (SM2) example on the recommended curve: private key, public key, signature of
# "message digest" with the default signer ID 1234567812345678, and ciphertext of "encryption
# standard" (C1 ‖ C3 ‖ C2, C1 without its 04 byte).
SM2_D = bytes.fromhex("3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8")
SM2_X = "09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020"
SM2_Y = "CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13"
SM2_SIG = bytes.fromhex("F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3"
                        "B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA")
SM2_CT = bytes.fromhex("04EBFC718E8D1798620432268E77FEB6415E2EDE0E073C0F4F640ECD2E149A73"
                       "E858F9D81E5430A57B36DAAB8F950A3C64E6EE6A63094D99283AFF767E124DF0"
                       "59983C18F809E262923C53AEC295D30383B54E39D609D160AFCB1908D0BD8766"
                       "21886CA989CA9C7D58087307CA93092D651EFA")


def std_public() -> bytes:
    return compress_point("04" + SM2_X + SM2_Y)


def test_sm3_gbt32905_vectors() -> None:
    assert GM.hexdigest(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert GM.hexdigest(b"abcd" * 16) == "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
    h = GM.hasher()  # the incremental form used over container entries
    data = b"abcd" * 16
    for part in (data[:3], data[3:50], data[50:]):
        h.update(part)
    assert h.hexdigest() == GM.hexdigest(b"abcd" * 16)


def test_sm4_gbt32907_vector() -> None:
    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    out = gmssl_fast.SM4(key, "ecb").encrypt(key)  # one block (the library pads a second one)
    assert out[:16].hex() == "681edf34d206965e86b3e94f536e4246"


def test_sm4_gcm_rfc8998_vector_and_suite_layout() -> None:
    key = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")
    iv = bytes.fromhex("00001234567800000000ABCD")
    aad = bytes.fromhex("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2")
    plain = bytes.fromhex("AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDD"
                          "EEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA")
    ct, tag = gmssl_fast.SM4GCM(key, iv).encrypt(plain, aad)
    assert ct.hex().upper() == ("17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735"
                                "D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D")
    assert tag.hex().upper() == "83DE3541E4C2B58177E065A9BF7B62EC"
    # The suite's box is ciphertext ‖ tag (no associated data)
    box = GM.encrypt(key, iv, plain)
    assert len(box) == len(plain) + 16 and GM.decrypt(key, iv, box) == plain
    with pytest.raises(SuiteError):
        GM.decrypt(key, iv, box[:-1] + bytes([box[-1] ^ 1]))


def test_sm2_gbt32918_signature_and_encryption_examples() -> None:
    pub = std_public()
    assert len(pub) == 33 and expand_point(pub) == ("04" + SM2_X + SM2_Y).lower()
    assert GM.verify(pub, b"message digest", SM2_SIG)  # so the signer ID is 1234567812345678
    assert not GM.verify(pub, b"message digesT", SM2_SIG)
    assert not GM.verify(pub, b"message digest", SM2_SIG[:-1] + b"\0")
    key = GM.signer(SM2_D, pub)
    assert key.open_key(SM2_CT) == b"encryption standard"
    sig = key.sign(b"message digest")  # random k: not the example's bytes, but it verifies
    assert len(sig) == 64 and GM.verify(pub, b"message digest", sig)


def test_point_compression_round_trip_and_refusal() -> None:
    for _ in range(20):
        k = GM.new_signer()
        assert compress_point(expand_point(k.public)) == k.public
    with pytest.raises(ValueError):
        expand_point(b"\x02" + b"\xff" * 32)  # x ≥ p
    bad = bytearray(std_public())
    bad[5] ^= 1
    try:  # about half of all x are not on the curve; a point that is must still not verify
        expand_point(bytes(bad))
    except ValueError:
        return
    assert not GM.verify(bytes(bad), b"message digest", SM2_SIG)


@pytest.mark.parametrize("name", suites.SUITES)
def test_suite_interface(name: str) -> None:
    suite = suites.get(name)
    signer, opener = suite.new_signer(), suite.new_opener()
    assert suites.of_key(signer.public) is suite and len(signer.public) == suite.public_size
    sig = signer.sign(b"zongzhi")
    assert len(sig) == 64 and suite.verify(signer.public, b"zongzhi", sig)
    assert not suite.verify(opener.public, b"zongzhi", sig)
    content = os.urandom(suite.content_key_size)
    assert opener.open_key(suite.seal_key(opener.public, content)) == content
    assert signer.open_key(suite.seal_to_signer(signer.public, content)) == content
    with pytest.raises(SuiteError):
        signer.open_key(suite.seal_key(opener.public, content))
    # Unlocking checks that both halves belong together
    assert suite.signer(signer.secret, signer.public).public == signer.public
    with pytest.raises(SuiteError):
        suite.signer(signer.secret, opener.public)
    # Private keys sealed at rest carry their suite; a wrong passphrase fails the tag
    sealed = seal_secret(signer.secret, "passphrase-1", suite)
    assert f'"suite": "{name}"' in sealed
    assert open_secret(sealed, "passphrase-1") == signer.secret
    with pytest.raises(Exception, match="密钥口令不正确"):
        open_secret(sealed, "passphrase-2")


def test_key_ids_use_the_suite_hash() -> None:
    ed = NACL.new_signer().public
    sm = GM.new_signer().public
    import hashlib

    assert key_id(ed) == hashlib.sha256(b"zongzhi-key-v1:" + ed).hexdigest()
    assert key_id(sm) == gmssl_fast.sm3(b"zongzhi-key-v1:" + sm).hex()


def test_old_key_files_without_suite_are_nacl() -> None:
    signer = NACL.new_signer()
    p = json.loads(seal_secret(signer.secret, "passphrase-1", NACL))
    assert p.pop("suite") == "nacl-1"
    sealed = json.dumps(p)
    assert open_secret(sealed, "passphrase-1") == signer.secret


def test_failed_checks_print_nothing(capfd: pytest.CaptureFixture[str]) -> None:
    """GmSSL traces a failed check on stderr; the user sees only the Chinese message."""
    assert not GM.verify(std_public(), b"x", SM2_SIG)
    with pytest.raises(SuiteError):
        GM.decrypt(os.urandom(16), os.urandom(12), os.urandom(40))
    assert capfd.readouterr().err == ""
