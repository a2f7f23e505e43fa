from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("intelligence", "0003_crimes_flagged_as_exploitation")]

    operations = [
        migrations.AddField(
            model_name="crime",
            name="version",
            field=models.PositiveIntegerField(default=1, editable=False),
        ),
    ]
