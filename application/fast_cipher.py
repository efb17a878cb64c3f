"""The library's AESCipher (AES-GCM; stored as nonce ‖ tag ‖ ciphertext, so every event stored with it reads the
same) on ``cryptography``'s AESGCM: one cipher object made once instead of one per event -- reading a history of 50
events spent more on building ciphers than on anything else."""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.cipher import AESCipher
from eventsourcing.utils import Environment

NONCE, TAG = 12, 16


class FastAESCipher(AESCipher):
    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        self._aead = AESGCM(self.key)

    def encrypt(self, plaintext: bytes) -> bytes:
        nonce = os.urandom(NONCE)
        sealed = self._aead.encrypt(nonce, plaintext, None)
        return nonce + sealed[-TAG:] + sealed[:-TAG]

    def decrypt(self, ciphertext: bytes) -> bytes:
        if len(ciphertext) < NONCE + TAG:
            raise ValueError("Damaged cipher text: too short for a nonce and a tag")
        nonce, tag, encrypted = ciphertext[:NONCE], ciphertext[NONCE : NONCE + TAG], ciphertext[NONCE + TAG :]
        try:
            return self._aead.decrypt(nonce, encrypted + tag, None)
        except InvalidTag:
            raise ValueError("Cipher text is damaged: MAC check failed") from None
