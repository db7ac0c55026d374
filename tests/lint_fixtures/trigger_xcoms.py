from airflow.triggers.base import BaseTrigger, TaskSuccessEvent


class ExportFinishedTrigger(BaseTrigger):
    def serialize(self):
        return ("lint_fixtures.trigger_xcoms.ExportFinishedTrigger", {})

    async def run(self):
        yield TaskSuccessEvent(xcoms={"export_uri_v1": "s3://exports/1.parquet"})  # expect: XCL007
