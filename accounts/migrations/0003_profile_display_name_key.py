from django.db import migrations, models


class Migration(migrations.Migration):
    """Schema only: the key column, empty for now (0004 fills it, 0005 makes it unique)."""

    dependencies = [("accounts", "0002_profile")]

    operations = [
        migrations.AddField(
            model_name="profile",
            name="display_name_key",
            field=models.CharField(editable=False, max_length=50, null=True),
        ),
    ]
