"""Schemathesis hooks for Durapay's run (loaded through SCHEMATHESIS_HOOKS=durapay_hooks).

- A client sends a new Idempotency-Key with every new request: schemathesis would reuse generated ones across
  different bodies, which the API rightly answers with 422 idempotency_key_reused.
- `format: iban` (ISO 13616 check digits) is not a format schemathesis knows: generate valid Belgian IBANs.
"""
import uuid

import schemathesis
from hypothesis import strategies as st


@schemathesis.hook
def before_call(context, case, kwargs):
    key = (case.headers or {}).get("Idempotency-Key")
    if isinstance(key, str) and 16 <= len(key) <= 255:
        case.headers["Idempotency-Key"] = str(uuid.uuid4())


def _belgian_iban(bank_and_account: int) -> str:
    base = f"{bank_and_account:010d}"
    account = base + f"{(int(base) % 97) or 97:02d}"
    numeric = int(account + "111400")  # B=11, E=14, check digits 00
    check = 98 - numeric % 97
    return f"BE{check:02d}{account}"


schemathesis.openapi.format("iban", st.integers(min_value=1, max_value=9_999_999_999).map(_belgian_iban))
