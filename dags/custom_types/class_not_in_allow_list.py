"""A class missing from the allow list: the push works, the pull fails with ``ImportError``.

Serialization has no allow list, deserialization has. The producer succeeds and the row is
stored; the consumer fails when Airflow refuses to import the class. The error names the class
and the setting to add it to.

- Use: to recognise the error when a new class first goes through XCom.
- Avoid: working around it with a broad pattern such as ``*``: the allow list guards what a pull
  may import.
- Gotcha: the push succeeds, so the failure shows up only in the reader, possibly in another DAG.
"""

from __future__ import annotations

# --8<-- [start:recipe]
from airflow.sdk import dag, task

from custom_types._shipping_models import CarrierQuote


@dag(schedule=None, tags=["custom_types"])
def custom_types_class_not_in_allow_list():
    @task
    def request_quote() -> CarrierQuote:
        return CarrierQuote(carrier="parcel-express", price_cents=1299)

    @task
    def book_carrier(quote: CarrierQuote) -> str:
        return f"booked {quote.carrier}"

    book_carrier(request_quote())


dag = custom_types_class_not_in_allow_list()
# --8<-- [end:recipe]

if __name__ == "__main__":
    dag.test()
