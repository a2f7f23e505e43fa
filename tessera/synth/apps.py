from django.apps import AppConfig


class SynthConfig(AppConfig):
    name = "tessera.synth"
    label = "synth"
    verbose_name = "Synthetic world (demo, tests, benchmarks)"
