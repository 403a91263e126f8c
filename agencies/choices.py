"""Every closed set of values in the domain, each guarded in the database by a named constraint."""

from django.db import models


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


class AgencyKind(models.TextChoices):
    MUNICIPAL_POLICE = "municipal_police", "Municipal police"
    REGIONAL_POLICE = "regional_police", "Regional police"
    PROVINCIAL_STATE_POLICE = "provincial_state_police", "Provincial or state police"
    FEDERAL_LAW_ENFORCEMENT = "federal_law_enforcement", "Federal law enforcement"
    OTHER_PUBLIC_BODY = "other_public_body", "Other public body"


class UseStatus(models.TextChoices):
    """What is known of one agency's use of one product, from the strongest claim down."""

    CONFIRMED = "confirmed", "Confirmed use"
    TRIAL = "trial", "Trial or informal testing"
    SUSPENDED = "suspended", "Suspended"
    ENDED = "ended", "Ended"
    REPORTED = "reported", "Reported, not confirmed by the agency"
    DENIED = "denied", "Denied by the agency"


class Authorisation(models.TextChoices):
    AUTHORISED = "authorised", "Authorised"
    UNAUTHORISED = "unauthorised", "Not authorised"
    UNKNOWN = "unknown", "Not known"


class AgencyStatus(models.TextChoices):
    """An agency's status, derived from its uses by the rule in agencies/status.py."""

    CONFIRMED = "confirmed", "Confirmed use"
    TESTING = "testing", "Trial or testing"
    SUSPENDED = "suspended", "Suspended"
    ENDED = "ended", "Use ended"
    REPORTED = "reported", "Reported use"
    DENIED = "denied", "Denies use"
    NO_KNOWN_USE = "no_known_use", "No known use"


class IncidentKind(models.TextChoices):
    DATA_BREACH = "data_breach", "Data breach"
    UNAUTHORISED_USE = "unauthorised_use", "Unauthorised or informal use"
    MISIDENTIFICATION = "misidentification", "Misidentification"
    DISCLOSURE = "disclosure", "Public disclosure"
    OTHER = "other", "Other"


class ActionKind(models.TextChoices):
    INVESTIGATION = "investigation", "Investigation"
    GUIDANCE = "guidance", "Guidance"
    ORDER = "order", "Order"
    RULING = "ruling", "Ruling"
    BAN = "ban", "Ban"
    MORATORIUM = "moratorium", "Moratorium"
    CEASE_AND_DESIST = "cease_and_desist", "Cease-and-desist letter"
    INTERNAL_REVIEW = "internal_review", "Internal review"


class ActionState(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Stance(models.TextChoices):
    """What a statement does, as its own words show."""

    CONFIRMS_USE = "confirms_use", "Confirms use"
    DENIES_USE = "denies_use", "Denies use"
    DECLINES_COMMENT = "declines_comment", "Declines to comment"
    CORRECTS_EARLIER = "corrects_earlier", "Corrects an earlier statement"
    DISPUTES_FINDING = "disputes_finding", "Disputes a finding"
    ACCEPTS_FINDING = "accepts_finding", "Accepts a finding"
    OTHER = "other", "Other"


class Contradicted(models.TextChoices):
    """The ledger's filter on the derived flag (agencies/contradictions.py)."""

    YES = "yes", "Contradicted"
    NO = "no", "Not contradicted"


class StepKind(models.TextChoices):
    """The steps of a regulatory action, in the order they usually come."""

    OPENED = "opened", "Opened"
    FINDING = "finding", "Finding"
    RECOMMENDATION = "recommendation", "Recommendation"
    ORDER = "order", "Order"
    RESPONSE = "response", "Response"
    COMPLIANCE = "compliance", "Compliance reported"
    APPEAL = "appeal", "Appeal"
    CLOSED = "closed", "Closed"


class AuthorityKind(models.TextChoices):
    PRIVACY_COMMISSIONER = "privacy_commissioner", "Privacy commissioner"
    ATTORNEY_GENERAL = "attorney_general", "Attorney general"
    PROSECUTOR = "prosecutor", "Prosecutor"
    COURT = "court", "Court"
    LEGISLATURE = "legislature", "Legislature"
    POLICE_BOARD = "police_board", "Police board"
    PLATFORM_COMPANY = "platform_company", "Platform company"
    AGENCY_ITSELF = "agency_itself", "The agency itself"
    OTHER = "other", "Other"


class ActionRole(models.TextChoices):
    LEAD = "lead", "Leads"
    PARTNER = "partner", "Acts jointly"
    CONSULTED = "consulted", "Consulted"


class SourceKind(models.TextChoices):
    NEWS = "news", "News report"
    OFFICIAL_STATEMENT = "official_statement", "Official statement"
    OFFICIAL_DOCUMENT = "official_document", "Official document or decision"
    COURT_RECORD = "court_record", "Court record"
    OTHER = "other", "Other"


class Publication(models.TextChoices):
    """Editors write drafts and mark them ready for review; publishers make them public."""

    DRAFT = "draft", "Draft"
    REVIEW = "review", "Ready for review"
    PUBLISHED = "published", "Published"


# Labels by value, built once: get_FOO_display() per row costs more than the rest of building a
# timeline event or a status reason, and an agency may have hundreds.
AGENCY_KIND_LABELS = dict(AgencyKind.choices)
AGENCY_STATUS_LABELS = dict(AgencyStatus.choices)
USE_STATUS_LABELS = dict(UseStatus.choices)
ACTION_ROLE_LABELS = dict(ActionRole.choices)
INCIDENT_KIND_LABELS = dict(IncidentKind.choices)
ACTION_KIND_LABELS = dict(ActionKind.choices)
ACTION_STATE_LABELS = dict(ActionState.choices)
STANCE_LABELS = dict(Stance.choices)
STEP_KIND_LABELS = dict(StepKind.choices)


class TimelineKind(models.TextChoices):
    """The kinds of event a timeline holds, each a chip that filters it."""

    USE = "use", "Use"
    INCIDENT = "incident", "Incident"
    ACTION = "action", "Regulatory action"
    STATEMENT = "statement", "Statement"


class AgencySort(models.TextChoices):
    """The orders the agency list offers (their SQL: selectors/lists.py AGENCY_ORDERS)."""

    NAME = "name", "Name, A–Z"
    NAME_DESC = "-name", "Name, Z–A"
    STATUS = "status", "Status"
    PLACE = "place", "Place"
    UPDATED = "updated", "Recently changed"
