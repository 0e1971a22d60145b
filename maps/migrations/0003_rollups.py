"""The rollup tables (maps.models) and the triggers that keep them current.

Generated CreateModel operations, then the PL/pgSQL in 0003_rollups.sql beside
this file (RunSQL, reversed by 0003_rollups_reverse.sql). The SQL files belong
to this migration: a later change of the triggers is a new migration with its
own SQL, never an edit of these.
"""

from pathlib import Path

from django.db import migrations, models

SQL = Path(__file__).with_name("0003_rollups.sql").read_text()
REVERSE_SQL = Path(__file__).with_name("0003_rollups_reverse.sql").read_text()


class Migration(migrations.Migration):


    dependencies = [
        ('events', '0009_h3_cells_indexed'),
        ('maps', '0002_layer_versions'),
        ('geo', '0001_admin_areas'),
        ('hotspots', '0007_h3_cells_indexed'),
    ]

    operations = [
        migrations.CreateModel(
            name='EventAreaCount',
            fields=[
                ('pk', models.CompositePrimaryKey('campaign_id', 'area_id', 'entrant_id', 'status', blank=True, editable=False, primary_key=True, serialize=False)),
                ('campaign_id', models.BigIntegerField(verbose_name='chiến dịch')),
                ('area_id', models.BigIntegerField(verbose_name='địa bàn (0: toàn nền tảng)')),
                ('entrant_id', models.BigIntegerField(verbose_name='đội thi')),
                ('status', models.CharField(max_length=20, verbose_name='trạng thái')),
                ('events', models.IntegerField(default=0, verbose_name='số sự kiện')),
                ('verified_events', models.IntegerField(default=0, verbose_name='số sự kiện đã xác nhận')),
                ('verified_kg', models.DecimalField(decimal_places=2, default=0, max_digits=14, verbose_name='khối lượng xác nhận (kg)')),
                ('participants', models.IntegerField(default=0, verbose_name='số lượt tham gia')),
            ],
            options={
                'verbose_name': 'tổng hợp sự kiện theo địa bàn',
                'verbose_name_plural': 'tổng hợp sự kiện theo địa bàn',
            },
        ),
        migrations.CreateModel(
            name='EventAreaDayCount',
            fields=[
                ('pk', models.CompositePrimaryKey('campaign_id', 'area_id', 'day', 'status', blank=True, editable=False, primary_key=True, serialize=False)),
                ('campaign_id', models.BigIntegerField(verbose_name='chiến dịch')),
                ('area_id', models.BigIntegerField(verbose_name='địa bàn (0: toàn nền tảng)')),
                ('day', models.DateField(verbose_name='ngày bắt đầu')),
                ('status', models.CharField(max_length=20, verbose_name='trạng thái')),
                ('events', models.IntegerField(default=0, verbose_name='số sự kiện')),
                ('verified_events', models.IntegerField(default=0, verbose_name='số sự kiện đã xác nhận')),
                ('verified_kg', models.DecimalField(decimal_places=2, default=0, max_digits=14, verbose_name='khối lượng xác nhận (kg)')),
                ('participants', models.IntegerField(default=0, verbose_name='số lượt tham gia')),
            ],
            options={
                'verbose_name': 'tổng hợp sự kiện theo địa bàn và ngày',
                'verbose_name_plural': 'tổng hợp sự kiện theo địa bàn và ngày',
            },
        ),
        migrations.CreateModel(
            name='EventCellCount',
            fields=[
                ('pk', models.CompositePrimaryKey('campaign_id', 'resolution', 'cell', 'status', blank=True, editable=False, primary_key=True, serialize=False)),
                ('campaign_id', models.BigIntegerField(verbose_name='chiến dịch')),
                ('resolution', models.SmallIntegerField(verbose_name='cấp H3')),
                ('cell', models.BigIntegerField(verbose_name='ô H3')),
                ('status', models.CharField(max_length=20, verbose_name='trạng thái')),
                ('events', models.IntegerField(default=0, verbose_name='số sự kiện')),
                ('verified_kg', models.DecimalField(decimal_places=2, default=0, max_digits=14, verbose_name='khối lượng xác nhận (kg)')),
            ],
            options={
                'verbose_name': 'tổng hợp sự kiện theo ô H3',
                'verbose_name_plural': 'tổng hợp sự kiện theo ô H3',
            },
        ),
        migrations.CreateModel(
            name='EventHeatCount',
            fields=[
                ('pk', models.CompositePrimaryKey('day', 'gx', 'gy', blank=True, editable=False, primary_key=True, serialize=False)),
                ('day', models.DateField(verbose_name='ngày bắt đầu')),
                ('gx', models.IntegerField(verbose_name='cột lưới')),
                ('gy', models.IntegerField(verbose_name='hàng lưới')),
                ('events', models.IntegerField(default=0, verbose_name='số sự kiện')),
                ('verified_kg', models.DecimalField(decimal_places=2, default=0, max_digits=14, verbose_name='khối lượng xác nhận (kg)')),
            ],
            options={
                'verbose_name': 'tổng hợp bản đồ nhiệt thu gom theo ngày',
                'verbose_name_plural': 'tổng hợp bản đồ nhiệt thu gom theo ngày',
            },
        ),
        migrations.CreateModel(
            name='HotspotAreaCount',
            fields=[
                ('pk', models.CompositePrimaryKey('area_id', 'category', 'status', 'priority', blank=True, editable=False, primary_key=True, serialize=False)),
                ('area_id', models.BigIntegerField(verbose_name='địa bàn (0: toàn nền tảng)')),
                ('category', models.CharField(max_length=20, verbose_name='loại')),
                ('status', models.CharField(max_length=20, verbose_name='trạng thái')),
                ('priority', models.BooleanField(verbose_name='ưu tiên')),
                ('hotspots', models.IntegerField(default=0, verbose_name='số điểm nóng')),
            ],
            options={
                'verbose_name': 'tổng hợp điểm nóng theo địa bàn',
                'verbose_name_plural': 'tổng hợp điểm nóng theo địa bàn',
            },
        ),
        migrations.CreateModel(
            name='HotspotAreaDayCount',
            fields=[
                ('pk', models.CompositePrimaryKey('area_id', 'day', 'category', 'status', 'priority', blank=True, editable=False, primary_key=True, serialize=False)),
                ('area_id', models.BigIntegerField(verbose_name='địa bàn (0: toàn nền tảng)')),
                ('day', models.DateField(verbose_name='ngày báo cáo')),
                ('category', models.CharField(max_length=20, verbose_name='loại')),
                ('status', models.CharField(max_length=20, verbose_name='trạng thái')),
                ('priority', models.BooleanField(verbose_name='ưu tiên')),
                ('hotspots', models.IntegerField(default=0, verbose_name='số điểm nóng')),
            ],
            options={
                'verbose_name': 'tổng hợp điểm nóng theo địa bàn và ngày',
                'verbose_name_plural': 'tổng hợp điểm nóng theo địa bàn và ngày',
            },
        ),
        migrations.CreateModel(
            name='HotspotCellCount',
            fields=[
                ('pk', models.CompositePrimaryKey('resolution', 'cell', 'known_by', 'status', blank=True, editable=False, primary_key=True, serialize=False)),
                ('resolution', models.SmallIntegerField(verbose_name='cấp H3')),
                ('cell', models.BigIntegerField(verbose_name='ô H3')),
                ('known_by', models.DateField(verbose_name='kỳ (ngày kết thúc chiến dịch)')),
                ('status', models.CharField(max_length=20, verbose_name='trạng thái')),
                ('hotspots', models.IntegerField(default=0, verbose_name='số điểm nóng')),
            ],
            options={
                'verbose_name': 'tổng hợp điểm nóng theo ô H3',
                'verbose_name_plural': 'tổng hợp điểm nóng theo ô H3',
            },
        ),
        migrations.CreateModel(
            name='HotspotHeatCount',
            fields=[
                ('pk', models.CompositePrimaryKey('day', 'gx', 'gy', 'size_class_id', blank=True, editable=False, primary_key=True, serialize=False)),
                ('day', models.DateField(verbose_name='ngày báo cáo')),
                ('gx', models.IntegerField(verbose_name='cột lưới')),
                ('gy', models.IntegerField(verbose_name='hàng lưới')),
                ('size_class_id', models.BigIntegerField(verbose_name='cỡ')),
                ('hotspots', models.IntegerField(default=0, verbose_name='số điểm nóng')),
            ],
            options={
                'verbose_name': 'tổng hợp bản đồ nhiệt điểm nóng theo ngày',
                'verbose_name_plural': 'tổng hợp bản đồ nhiệt điểm nóng theo ngày',
            },
        ),
        migrations.CreateModel(
            name='HotspotHeatTotal',
            fields=[
                ('pk', models.CompositePrimaryKey('gx', 'gy', 'size_class_id', blank=True, editable=False, primary_key=True, serialize=False)),
                ('gx', models.IntegerField(verbose_name='cột lưới')),
                ('gy', models.IntegerField(verbose_name='hàng lưới')),
                ('size_class_id', models.BigIntegerField(verbose_name='cỡ')),
                ('hotspots', models.IntegerField(default=0, verbose_name='số điểm nóng')),
            ],
            options={
                'verbose_name': 'tổng hợp bản đồ nhiệt điểm nóng',
                'verbose_name_plural': 'tổng hợp bản đồ nhiệt điểm nóng',
            },
        ),
        migrations.RunSQL(SQL, REVERSE_SQL),
    ]
