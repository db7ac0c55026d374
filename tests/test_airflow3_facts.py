"""Facts about XCom in Airflow 3.3 that the site states without a recipe of their own.

Each test pins one statement of docs/index.md or docs/upgrading.md, so an Airflow upgrade that
changes it fails here and the page gets fixed.
"""

from __future__ import annotations

import warnings

import pytest


@pytest.fixture(scope="module")
def conf(recipes):  # `recipes` first: the throwaway Airflow home is configured and migrated
    from airflow.configuration import conf

    return conf


def test_pickling_option_is_gone(conf):
    assert not conf.has_option("core", "enable_xcom_pickling")


def test_no_option_caps_xcom_size(conf):
    options = {(s, o) for s, section in conf.as_dict().items() for o in section if "xcom" in o}
    assert options == {
        ("core", "xcom_backend"),
        ("common.io", "xcom_objectstorage_path"),
        ("common.io", "xcom_objectstorage_threshold"),
        ("common.io", "xcom_objectstorage_compression"),
    }
    import airflow.models.xcom

    assert not hasattr(airflow.models.xcom, "MAX_XCOM_SIZE")


def test_max_map_length_defaults_to_1024(conf):
    assert conf.getint("core", "max_map_length") == 1024


def test_xcom_table_stores_json_keyed_by_run_task_map_index_and_key(recipes):
    from airflow.models.xcom import XComModel

    table = XComModel.__table__
    assert str(table.c.value.type) == "JSON"
    assert [c.name for c in table.primary_key.columns] == [
        "dag_run_id",
        "task_id",
        "map_index",
        "key",
    ]
    assert table.c.key.type.length == 512
    assert "dag_result" in table.c


def test_orm_deserialize_value_is_gone(recipes):
    from airflow.models.xcom import XComModel
    from airflow.sdk import BaseXCom

    assert not hasattr(BaseXCom, "orm_deserialize_value")
    assert not hasattr(XComModel, "orm_deserialize_value")


@pytest.mark.parametrize(
    ("statement", "new_path"),
    [
        ("from airflow.models.xcom import BaseXCom", "airflow.sdk.bases.xcom"),
        (
            "from airflow.operators.python import PythonOperator",
            "airflow.providers.standard.operators.python.PythonOperator",
        ),
    ],
)
def test_pre_3_import_paths_warn_and_name_the_new_one(recipes, statement, new_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        exec(statement, {})
    messages = [str(w.message) for w in caught if "deprecated" in str(w.message)]
    assert messages and new_path in messages[0]


def test_a_lazy_sequence_fetches_per_operation_and_iterates_until_an_index_is_missing(recipes):
    """docs/mapping.md: ``len()`` asks once, an index or a slice asks for what it names, and
    iteration asks item by item until the first missing index, whose 404 the Task SDK's API
    client logs as an error-level "XCom not found" (Airflow's source, 3.3.2)."""
    import inspect

    from airflow.sdk.api import client
    from airflow.sdk.execution_time import lazy_sequence

    sequence = lazy_sequence.LazyXComSequence
    assert "GetXComCount" in inspect.getsource(sequence.__len__)
    assert "if self._len is None" in inspect.getsource(sequence.__len__)
    item = inspect.getsource(sequence.__getitem__)
    assert "GetXComSequenceSlice" in item and "GetXComSequenceItem" in item
    iterator = inspect.getsource(lazy_sequence.LazyXComIterator.__next__)
    assert "self.seq[self.index]" in iterator and "except IndexError" in iterator
    item_request = inspect.getsource(client.XComOperations.get_sequence_item)
    assert 'log.error(\n                    "XCom not found"' in item_request


def test_a_pull_of_a_missing_key_is_logged_as_an_error_and_answers_none(recipes):
    """docs/pulling.md: the 404 of a pull is logged at error level by the Task SDK's client
    (Airflow's source, 3.3.2); the recipe's own test checks that the pull answers None."""
    import inspect

    from airflow.sdk.api import client

    lookup = inspect.getsource(client.XComOperations.get)
    assert 'log.error(\n                    "XCom not found"' in lookup
    run = recipes.run("pulling_missing_key")
    assert run.keys("pull_with_a_typo") == []  # the pull answered None, which it returned
    assert run.value("receive_missing_return_value") == "received None"


def test_native_rendering_turns_a_rendered_field_into_the_python_object(recipes):
    """docs/pulling.md: templated fields render to text unless the DAG sets
    ``render_template_as_native_obj=True``."""
    from airflow.sdk import DAG

    template = "{{ [120, 95] }}"
    text = DAG("text_rendering", schedule=None).get_template_env().from_string(template)
    native = DAG("native_rendering", schedule=None, render_template_as_native_obj=True)
    assert text.render() == "[120, 95]"
    assert native.get_template_env().from_string(template).render() == [120, 95]
