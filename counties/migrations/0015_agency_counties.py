"""Agencies work in one county or several (AgencyCounty); every agency placed so far keeps its county.

Each agency with a county gets that county as its one AgencyCounty row, with how it was found, so that
county pages show the same agencies as before, and an editor's choice (county_locked) stays the editor's.
The next rebuild of ICE's lists (any import, or `manage.py load_shipped_data --force`) places the rest.
"""

import django.db.models.deletion
from django.db import migrations, models


def place_in_their_county(apps, schema_editor):
    Agency = apps.get_model("counties", "Agency")
    AgencyCounty = apps.get_model("counties", "AgencyCounty")
    rows = [
        AgencyCounty(agency_id=pk, county_id=county_id, placed_by="editor" if locked else placed_by or "ice")
        for pk, county_id, placed_by, locked in Agency.objects.filter(county__isnull=False).values_list(
            "pk", "county_id", "placed_by", "county_locked"
        )
    ]
    AgencyCounty.objects.bulk_create(rows, batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ('counties', '0014_pending_upload'),
    ]

    operations = [
        migrations.AddField(
            model_name='agency',
            name='unplaced_why',
            field=models.CharField(blank=True, choices=[('no-county', 'ICE gives no county, and its name names no county or city we can place'), ('no-match', "ICE's county matches no county in the state"), ('split', 'the ZIP codes of its city are split between counties'), ('conflict', "ICE's county is not where the Census places its city"), ('ambiguous', 'its name matches more than one place in the state'), ('regional', 'it serves part of the state, and our data does not say which counties'), ('campus', 'a college or university whose name does not say its campus city'), ('', 'placed')], help_text='The same reason in a few words, for readers (the state page lists unplaced agencies).', max_length=10),
        ),
        migrations.AddField(
            model_name='historicalagency',
            name='unplaced_why',
            field=models.CharField(blank=True, choices=[('no-county', 'ICE gives no county, and its name names no county or city we can place'), ('no-match', "ICE's county matches no county in the state"), ('split', 'the ZIP codes of its city are split between counties'), ('conflict', "ICE's county is not where the Census places its city"), ('ambiguous', 'its name matches more than one place in the state'), ('regional', 'it serves part of the state, and our data does not say which counties'), ('campus', 'a college or university whose name does not say its campus city'), ('', 'placed')], help_text='The same reason in a few words, for readers (the state page lists unplaced agencies).', max_length=10),
        ),
        migrations.AlterField(
            model_name='agency',
            name='county',
            field=models.ForeignKey(blank=True, help_text="The agency's main county (ICE's, or the one with most of its city's addresses): one of its counties below. Empty for statewide agencies and for rows whose county could not be resolved.", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='agencies', to='counties.county'),
        ),
        migrations.AlterField(
            model_name='agency',
            name='county_locked',
            field=models.BooleanField(default=False, help_text='Set when an editor chose the counties: later imports keep that choice.'),
        ),
        migrations.AlterField(
            model_name='agency',
            name='placed_by',
            field=models.CharField(blank=True, choices=[('ice', "ICE's county column"), ('name', "the county in the agency's name"), ('place', "the city in the agency's name (Census places)"), ('zip', "the city's ZIP codes (HUD)"), ('table', 'a hand-checked table (fixtures/SOURCES.md)'), ('editor', 'an editor'), ('statewide', 'a statewide agency'), ('', 'not placed')], help_text='How the main county was found.', max_length=10),
        ),
        migrations.AlterField(
            model_name='agency',
            name='unresolved_reason',
            field=models.CharField(blank=True, help_text='Why the import could not place it, with the evidence.', max_length=255),
        ),
        migrations.AlterField(
            model_name='historicalagency',
            name='county',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text="The agency's main county (ICE's, or the one with most of its city's addresses): one of its counties below. Empty for statewide agencies and for rows whose county could not be resolved.", null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='counties.county'),
        ),
        migrations.AlterField(
            model_name='historicalagency',
            name='county_locked',
            field=models.BooleanField(default=False, help_text='Set when an editor chose the counties: later imports keep that choice.'),
        ),
        migrations.AlterField(
            model_name='historicalagency',
            name='placed_by',
            field=models.CharField(blank=True, choices=[('ice', "ICE's county column"), ('name', "the county in the agency's name"), ('place', "the city in the agency's name (Census places)"), ('zip', "the city's ZIP codes (HUD)"), ('table', 'a hand-checked table (fixtures/SOURCES.md)'), ('editor', 'an editor'), ('statewide', 'a statewide agency'), ('', 'not placed')], help_text='How the main county was found.', max_length=10),
        ),
        migrations.AlterField(
            model_name='historicalagency',
            name='unresolved_reason',
            field=models.CharField(blank=True, help_text='Why the import could not place it, with the evidence.', max_length=255),
        ),
        migrations.CreateModel(
            name='AgencyCounty',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('share', models.DecimalField(blank=True, decimal_places=4, help_text="About how much of the agency's city lies in this county: the share of the addresses of the city's ZIP codes (HUD). Empty when not known.", max_digits=5, null=True)),
                ('placed_by', models.CharField(choices=[('ice', "ICE's county column"), ('name', "the county in the agency's name"), ('place', "the city in the agency's name (Census places)"), ('zip', "the city's ZIP codes (HUD)"), ('table', 'a hand-checked table (fixtures/SOURCES.md)'), ('editor', 'an editor'), ('statewide', 'a statewide agency'), ('', 'not placed')], help_text='How this county was found.', max_length=10)),
                ('via', models.CharField(blank=True, help_text="The evidence named: ICE's county text, the city or the campus city the name gives.", max_length=120)),
                ('agency', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='placements', to='counties.agency')),
                ('county', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='agency_placements', to='counties.county')),
            ],
            options={
                'verbose_name': 'county an agency works in',
                'verbose_name_plural': 'counties an agency works in',
                'ordering': ['agency', 'county__name'],
            },
        ),
        migrations.AddField(
            model_name='agency',
            name='counties',
            field=models.ManyToManyField(blank=True, help_text='Every county the agency works in (a city that lies in several counties is in each).', related_name='placed_agencies', through='counties.AgencyCounty', to='counties.county'),
        ),
        migrations.AddConstraint(
            model_name='agencycounty',
            constraint=models.UniqueConstraint(fields=('agency', 'county'), name='agencycounty_unique'),
        ),
        migrations.RunPython(place_in_their_county, migrations.RunPython.noop),
    ]
