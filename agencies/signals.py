"""What follows any write to the record, from admin, a service or a shell: cached pages and
stored figures go out of date, and each agency's derived status stays current whichever way its
facts change (its uses and actions, the publication of a product or vendor it uses, a save of
the agency itself). Fixture loading (raw saves) is followed by `refresh_statuses`."""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from . import page_cache, summaries
from .models import Agency, Product, RegulatoryAction, Summary, Use, Vendor
from .status import refresh_agency_status, refresh_agency_statuses


def record_changed() -> None:
    """Every cached page and stored figure is out of date. Called for each write below, and by
    bulk writes, which send no signals."""
    page_cache.invalidate()
    summaries.move_generation()


@receiver(post_save)
@receiver(post_delete)
@receiver(m2m_changed)
def any_record_changed(sender, **kwargs) -> None:
    # A history row is written with its record, whose own signal has said so already.
    meta = sender._meta
    if (
        meta.app_label == "agencies"
        and sender is not Summary
        and not meta.model_name.startswith("historical")
    ):
        record_changed()


@receiver(post_save, sender=Agency)
def agency_saved(sender, instance: Agency, raw: bool = False, **kwargs) -> None:
    # The form that saved it may have been opened before a use changed: derive, never keep.
    if not raw:
        refresh_agency_status(instance)


@receiver(pre_save, sender=Product)
@receiver(pre_save, sender=Vendor)
def remember_publication(sender, instance, raw: bool = False, **kwargs) -> None:
    if not raw and instance.pk is not None:
        instance._publication_before = (
            sender.objects.filter(pk=instance.pk).values_list("publication", flat=True).first()
        )


@receiver(post_save, sender=Product)
@receiver(post_save, sender=Vendor)
def vendor_published_or_withdrawn(sender, instance, raw: bool = False, **kwargs) -> None:
    """Its uses now count towards their agencies' statuses, or no longer do."""
    before = getattr(instance, "_publication_before", instance.publication)
    if raw or before == instance.publication:
        return
    uses = Use.objects.filter(**{"product" if sender is Product else "product__vendor": instance})
    refresh_agency_statuses(Agency.objects.filter(pk__in=uses.values("agency")))


@receiver(post_save, sender=Use)
@receiver(post_delete, sender=Use)
def use_changed(sender, instance: Use, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    agency = Agency.objects.filter(pk=instance.agency_id).first()
    if agency is not None:
        refresh_agency_status(agency)


@receiver(post_save, sender=RegulatoryAction)
def action_saved(sender, instance: RegulatoryAction, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    for agency in instance.agencies.all():
        refresh_agency_status(agency)


@receiver(pre_delete, sender=RegulatoryAction)
def action_deleting(sender, instance: RegulatoryAction, **kwargs) -> None:
    # The M2M rows go with the action, so remember whom it was about.
    instance._agencies_before_delete = list(instance.agencies.all())


@receiver(post_delete, sender=RegulatoryAction)
def action_deleted(sender, instance: RegulatoryAction, **kwargs) -> None:
    for agency in getattr(instance, "_agencies_before_delete", []):
        refresh_agency_status(agency)


@receiver(m2m_changed, sender=RegulatoryAction.agencies.through)
def action_agencies_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    if action == "pre_clear":
        instance._agencies_before_clear = [instance] if reverse else list(instance.agencies.all())
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:
        agencies = [instance]
    elif action == "post_clear":
        agencies = getattr(instance, "_agencies_before_clear", [])
    else:
        agencies = Agency.objects.filter(pk__in=pk_set or ())
    for agency in agencies:
        refresh_agency_status(agency)
