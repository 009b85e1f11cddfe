from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_display_names_unique_data")]

    operations = [
        migrations.AlterField(
            model_name="profile",
            name="display_name_key",
            field=models.CharField(editable=False, max_length=50, unique=True),
        ),
    ]
