"""The active holds of a resource by when they end: a period's holds are those that end after it
starts (and start before it ends), and ordered by end the index reads only those — the years of
past holds end before the period, while ordered by start (`allocation_resource_time`) all of them
start before its end and PostgreSQL scanned the whole table."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('bookings', '0002_checklists_and_progress'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='allocation',
            index=models.Index(condition=models.Q(('is_active', True)), fields=['resource', 'ends_at'], name='allocation_resource_until'),
        ),
    ]
