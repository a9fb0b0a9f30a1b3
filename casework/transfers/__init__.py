"""Transfers of a plan between English local authorities (reg 15)."""

from casework.transfers.operations import (
    cancel_move_out,
    first_review_due,
    record_move_out,
    send_plan_to_new_authority,
    send_transfer_notice,
    transfer_in,
    transfers_of,
)

__all__ = ["cancel_move_out", "first_review_due", "record_move_out", "send_plan_to_new_authority",
           "send_transfer_notice", "transfer_in", "transfers_of"]
