"""A pydantic model through XCom: validated on the way in, rebuilt as the model on the way out.

Airflow serializes ``BaseModel`` instances with pydantic's own ``model_dump``. As with
dataclasses, the model class must be importable and on the allow list.

- Use: when the value has a schema you want enforced where it is built.
- Avoid: when a plain dict is enough: readers then need the model's module too.
- Gotcha: the model is validated again on pull (Airflow rebuilds it with ``model_validate``), so a
  validator changed since the push can refuse a stored value.
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.sdk import dag, task

from custom_types._shipping_models import Invoice


@dag(schedule=None, tags=["custom_types"])
def custom_types_pydantic_model():
    @task
    def issue_invoice() -> Invoice:
        return Invoice(invoice_id="INV-2026-0001", amount_cents=4999)

    @task
    def book_invoice(invoice: Invoice) -> str:
        amount = invoice.amount_cents / 100
        return f"{invoice.invoice_id}: {amount:.2f} {invoice.currency}"

    book_invoice(issue_invoice())


dag = custom_types_pydantic_model()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
