"""Typed SQLAlchemy models, one module per aggregate."""

from casework.models.advice import ADVICE_TYPES, AdviceRequest
from casework.models.alert import ALERT_KINDS, Alert, AlertDelivery, OutboxMail
from casework.models.audit import AuditEntry
from casework.models.base import Base
from casework.models.case import PRIMARY_NEEDS, REQUESTERS, Case
from casework.models.deadline import STATUSES, Deadline, ExceptionLimit, ExceptionRecord
from casework.models.dispute import Dispute
from casework.models.document import DOCUMENT_KINDS, Document
from casework.models.idempotency import IdempotencyKey
from casework.models.letter import Letter, LetterTemplate
from casework.models.person import Contact, Person
from casework.models.scan_run import ScanRun
from casework.models.sen2 import Sen2Details
from casework.models.sign_in import END_REASONS, FailedSignIn, PasswordLink, UserSession
from casework.models.subject import SUBJECT_TYPES, Subject
from casework.models.transfer import Transfer
from casework.models.user import ROLES, ApiToken, Organisation, User

__all__ = [
    "ADVICE_TYPES", "ALERT_KINDS", "DOCUMENT_KINDS", "END_REASONS", "PRIMARY_NEEDS", "REQUESTERS", "ROLES",
    "STATUSES", "SUBJECT_TYPES", "AdviceRequest", "Alert", "AlertDelivery", "ApiToken", "AuditEntry", "Base", "Case",
    "Contact", "Deadline", "Dispute", "Document", "ExceptionLimit", "ExceptionRecord", "FailedSignIn", "IdempotencyKey",
    "Letter", "LetterTemplate", "Organisation", "OutboxMail", "PasswordLink", "Person", "ScanRun", "Sen2Details",
    "Subject", "Transfer", "User", "UserSession",
]
