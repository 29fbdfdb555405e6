from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "banso.training"
    label = "training"

    def ready(self):
        # Completion, leaders, consultations and class attendance feed plan KPIs (tracking.actual_sources).
        from banso.core import notifications
        from banso.training import kpi_sources  # noqa: F401
        from banso.training.notifications import training_notifications

        notifications.register(training_notifications)
