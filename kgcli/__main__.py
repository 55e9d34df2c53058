from kgcli.main import app

app(prog_name="kg")
