from kplan.cli import run

run()
