import pytest
from kit import testing
from kit.db import NAMING_CONVENTION, Database
from kit.events import inbox_table, outbox_table
from sqlalchemy import MetaData

postgres_url = testing.postgres_database_fixture(scope="session")
amqp_uri = testing.amqp_vhost_fixture(scope="session")


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    """A service-like database with the outbox and inbox tables, on both backends."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'svc.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    outbox_table(metadata)
    inbox_table(metadata)
    from sqlalchemy import Column, Integer, String, Table

    Table("widgets", metadata, Column("id", Integer, primary_key=True), Column("name", String(50)))
    database = Database(url)
    metadata.drop_all(database.engine)
    metadata.create_all(database.engine)
    yield database
    metadata.drop_all(database.engine)
    database.dispose()


# --- a demo producer and consumer used by the bus tests --------------------------------------
from kit.events import catalogue as _catalogue  # noqa: E402

DEMO_TYPE = "crm.kitdemo.widget.made.v1"
_catalogue.register(_catalogue.EventType(
    type=DEMO_TYPE, description="Test-only event of the kit's own tests.",
    schema=_catalogue.object_schema("WidgetMade", {"n": {"type": "integer"}}, ["n"]),
    example={"n": 1}))
_catalogue.subscribe("kitdemo", "on_widget", DEMO_TYPE)
_catalogue.subscribe("kitdemo", "on_widget_failing", DEMO_TYPE)
_catalogue.subscribe("kitbatch", "on_widgets", DEMO_TYPE)  # a batch handler (test_consumer)


TEST_QUEUES = ("kitdemo.on_widget", "kitdemo.on_widget.dlq", "kitdemo.on_widget_failing",
               "kitdemo.on_widget_failing.dlq", "kitbatch.on_widgets",
               "kitbatch.on_widgets.dlq", "capture")


@pytest.fixture
def vhost_uri(amqp_uri):
    """The session's private vhost with this module's queues deleted: no message or delivery
    count leaks from one test to the next (a vhost per test would cost ~2 s each)."""
    import pika

    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    channel = connection.channel()
    for queue in TEST_QUEUES:
        channel.queue_delete(queue)
    connection.close()
    yield amqp_uri
