"""Transfers between English local authorities as data (reg 15): the steps and the deadline kinds each opens
and meets. A move runs beside the case's own workflow: the plan is maintained throughout."""

from __future__ import annotations

from casework.law.events import EventSpec

# The case states in which a plan exists to transfer. A request or assessment still pending does not transfer:
# the new authority decides afresh on a request made to it.
PLAN_STATES = ("plan_maintained", "under_review", "amending", "ceasing")

TRANSFER_EVENT_SPECS: tuple[EventSpec, ...] = (
    EventSpec("record_move_out", "Record a move to another authority", "Move to another authority recorded",
              "Date recorded", "the date recorded", "Record move", opens=("transfer_out",)),
    EventSpec("send_plan_to_new_authority", "Send the plan to the new authority", "Plan sent to the new authority",
              "Date the plan was sent", "the date the plan was sent", "Record plan sent", meets=("transfer_out",)),
    EventSpec("cancel_move_out", "Record that the family is no longer moving", "Move to another authority called off",
              "Date the council learned the move was off", "the date the council learned the move was off",
              "Record move called off", cancels=("transfer_out",)),
    EventSpec("transfer_in", "Take on a plan from another authority", "Plan transferred in from another authority",
              "Date the plan transferred", "the date the plan transferred", "Record transfer in",
              opens=("transfer_notice", "annual_review")),
    EventSpec("send_transfer_notice", "Tell the family the plan has transferred",
              "Family told the plan has transferred", "Date the family was told", "the date the family was told",
              "Record notice sent", meets=("transfer_notice",)),
)
TRANSFER_EVENTS: dict[str, EventSpec] = {spec.name: spec for spec in TRANSFER_EVENT_SPECS}
