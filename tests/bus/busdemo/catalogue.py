"""The demo's event type and subscription (a real service declares these in contracts/events/)."""
from kit.events import catalogue

WIDGET_MADE = "crm.busdemo.widget.made.v1"

catalogue.register(catalogue.EventType(
    type=WIDGET_MADE, description="Test-only: a demo widget was made.",
    schema=catalogue.object_schema("WidgetMade", {"n": {"type": "integer"}}, ["n"]),
    example={"n": 1}))
catalogue.subscribe("busdemo", "apply_widget", WIDGET_MADE)
