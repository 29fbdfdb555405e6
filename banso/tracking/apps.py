from django.apps import AppConfig


class TrackingConfig(AppConfig):
    name = "banso.tracking"
    label = "tracking"

    def ready(self):
        from django.conf import settings

        from banso.core import jobs, notifications, panels
        from banso.core.audit import change_recorded
        from banso.tracking.notifications import tracking_notifications
        from banso.tracking.panels import home_panel, towns_overview
        from banso.tracking.reminders import daily_reminders_job

        panels.register(home_panel)
        panels.register_overview(towns_overview)
        notifications.register(tracking_notifications)
        change_recorded.connect(_summary_source_changed, dispatch_uid="tracking-summaries")
        jobs.register_daily(daily_reminders_job, hour=settings.BANSO_REMINDER_HOUR)


def _summary_source_changed(sender, municipality_id=None, **kwargs):
    from banso.tracking import summaries

    if sender._meta.app_label in summaries.SOURCE_APPS:
        summaries.changed(municipality_id)
