#!/usr/bin/env python3
"""Generate a source tree with planted fake secrets, for secret-scanner benchmarks.

    bench/gen_secret_tree.py OUT [SIZE_MB] [SEED]     default 1024 MB (10^6 bytes), seed 1

OUT gets nested folders of services (`group/service/...`) holding .py, .go,
.js, .yaml, .tf and .md files of 2 to 200 KB (log-uniform): code-like text
built from snippets with random identifiers, including the benign look-alikes
that secret scanners meet in real code (reads of `os.environ["DB_PASSWORD"]`,
`secretKeyRef`, git and checksum hashes, the AWS documentation example key,
placeholders such as `changeme`).

About one file in 20 gets one planted secret of one of these kinds:
AWS key pairs (key ID and secret key on two lines, one entry), GitHub tokens (`ghp_` with a valid
CRC32 checksum), Slack webhooks, PEM private keys (multi-line), database URLs
with passwords, and generic `password = "..."` assignments with random values.
All values are random and fake.

The planted secrets are listed beside OUT, never inside it, in OUT.planted.tsv
(`path  line  end_line  kind  hash`: the path relative to OUT, the 1-based line
where the secret starts and the line where it ends, and `sha256:` with the
first 16 hex digits of the value's SHA-256, two of them comma-separated for an
AWS key pair). A scanner finds a planted secret when it reports a line of that
file between line and end_line. Same seed, same tree.
"""

import hashlib
import math
import os
import random
import shutil
import string
import sys
import zlib

WORDS = """account adapter admin agent alert api archive audit auth backup balance batch
billing blob bucket buffer build cache catalog channel chart check client cluster
config consumer context controller counter cron customer dashboard data database
deploy device digest dispatch domain draft email endpoint engine entry event export
feature feed fetch file filter flag fleet gateway graph group handler health history
hook identity image import index inventory invoice job journal key ledger limit
listener loader log mailer manager manifest message metric migration model monitor
node notify order owner package page parser payment peer pipeline plan policy pool
portal price probe profile project provider proxy publisher queue quota rate reader
record region registry release replica report request resolver resource retry role
route rule runner scheduler schema scope search server service session shard signal
snapshot source stage state status storage store stream subscriber sync table task
team template tenant ticket token topic trace tracker transfer trigger upload usage
user vault version view volume watcher webhook worker writer zone""".split()

HOSTS = ["api.internal.example.com", "svc.cluster.local", "metrics.example.net",
         "auth.example.org", "storage.example.com", "db.internal", "queue.example.io"]
ENVS = ["dev", "staging", "prod", "qa", "sandbox"]
TEAMS = ["payments", "platform", "search", "growth", "identity", "infra", "data"]
B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
B64 = string.ascii_letters + string.digits + "+/"
PW_CHARS = string.ascii_letters + string.digits + "!#%&*+-=?@^_"


class Gen:
    def __init__(self, rng):
        self.r = rng

    def w(self):
        return self.r.choice(WORDS)

    def snake(self, n=2):
        return "_".join(self.w() for _ in range(n))

    def camel(self, n=2):
        parts = [self.w() for _ in range(n)]
        return parts[0] + "".join(p.title() for p in parts[1:])

    def pascal(self, n=2):
        return "".join(self.w().title() for _ in range(n))

    def env(self):
        return self.snake(self.r.randint(1, 2)).upper()

    def hexs(self, n):
        return "".join(self.r.choice("0123456789abcdef") for _ in range(n))

    def chars(self, alphabet, n):
        return "".join(self.r.choice(alphabet) for _ in range(n))

    def sentence(self):
        n = self.r.randint(6, 16)
        s = " ".join(self.w() for _ in range(n))
        return s[0].upper() + s[1:] + "."

    def num(self):
        return self.r.choice([1, 2, 3, 5, 8, 10, 30, 60, 100, 250, 500, 1000, 3600])

    def ver(self):
        return f"{self.r.randint(0, 4)}.{self.r.randint(0, 30)}.{self.r.randint(0, 12)}"


# ---------------------------------------------------------------- benign snippets

def pick(r, n, decoys):
    """A snippet number in range(n); the look-alikes (decoys) come a quarter as often."""
    k = r.randrange(n)
    while k in decoys and r.random() >= 0.25:
        k = r.randrange(n)
    return k


def py_snippet(g):
    r = g.r
    k = pick(r, 12, (4, 5, 7, 9))
    fn, a, b, v, cls = g.snake(), g.w(), g.snake(), g.snake(), g.pascal()
    if k == 0:
        return f"import {g.w()}\nfrom {g.w()}.{g.w()} import {g.pascal()}, {g.pascal()}\n"
    if k == 1:
        return (f"\n\nclass {cls}({g.pascal()}):\n    \"\"\"{g.sentence()}\"\"\"\n\n"
                f"    def __init__(self, {a}, {b}=None):\n        self.{a} = {a}\n        self.{b} = {b} or {{}}\n")
    if k == 2:
        return (f"\n\ndef {fn}({a}, {b}, timeout={g.num()}):\n    # {g.sentence()}\n"
                f"    {v} = {g.w()}.{g.snake()}({a}, {b}=={b})\n    if {v} is None:\n"
                f"        raise ValueError(\"{g.sentence()}\")\n    return {v}\n")
    if k == 3:
        return f"    logger.info(\"{g.sentence()} %s\", {v})\n    {v}.{g.snake()}({g.num()})\n"
    if k == 4:
        return f"    password = os.environ[\"{g.env()}_PASSWORD\"]\n    {v} = connect(user={a}, password=password)\n"
    if k == 5:
        return f"    token = request.headers.get(\"Authorization\", \"\")\n    if not token.startswith(\"Bearer \"):\n        return abort(401)\n"
    if k == 6:
        return f"    url = f\"https://{r.choice(HOSTS)}/api/v{r.randint(1, 3)}/{g.w()}/{{{a}}}\"\n    resp = session.get(url, timeout={g.num()})\n"
    if k == 7:
        return f"{g.snake().upper()}_COMMIT = \"{g.hexs(40)}\"  # pinned {g.w()} revision\n"
    if k == 8:
        return f"    for {a} in {v}:\n        if {a}.{g.w()} > {g.num()}:\n            {b}.append({a})\n"
    if k == 9:
        return f"    secret_name = \"{g.w()}-{g.w()}-secret\"\n    api_key_header = \"X-Api-Key\"\n"
    if k == 10:
        return f"\n\n@pytest.mark.parametrize(\"{a}\", [{g.num()}, {g.num()}, {g.num()}])\ndef test_{fn}({a}):\n    assert {fn}({a}, None) is not None\n"
    return f"    # {g.sentence()}\n    # {g.sentence()}\n"


def go_snippet(g):
    r = g.r
    k = pick(r, 11, (3, 6, 8, 10))
    v, a, fn, cls, pkg = g.camel(), g.w(), g.pascal(), g.pascal(), g.w()
    if k == 0:
        return f"import (\n\t\"context\"\n\t\"fmt\"\n\t\"github.com/example/{pkg}/internal/{g.w()}\"\n)\n"
    if k == 1:
        return (f"\n// {fn} {g.sentence()}\nfunc (s *{cls}) {fn}(ctx context.Context, {a} string) error {{\n"
                f"\t{v}, err := s.{g.camel()}.{g.pascal()}(ctx, {a})\n\tif err != nil {{\n"
                f"\t\treturn fmt.Errorf(\"{g.w()} {g.w()}: %w\", err)\n\t}}\n\t_ = {v}\n\treturn nil\n}}\n")
    if k == 2:
        return f"\ntype {cls} struct {{\n\t{g.pascal()} string `json:\"{g.snake()}\"`\n\t{g.pascal()} int    `json:\"{g.snake()}\"`\n\tTimeout time.Duration\n}}\n"
    if k == 3:
        return f"\ttoken := os.Getenv(\"{g.env()}_TOKEN\")\n\treq.Header.Set(\"Authorization\", \"Bearer \"+token)\n"
    if k == 4:
        return f"\tclient := http.Client{{Timeout: {g.num()} * time.Second}}\n\tresp, err := client.Get(\"https://{r.choice(HOSTS)}/{g.w()}/{g.w()}\")\n"
    if k == 5:
        return f"\t// {g.sentence()}\n\tfor _, {a} := range {v} {{\n\t\tif {a}.{g.pascal()} > {g.num()} {{\n\t\t\tcontinue\n\t\t}}\n\t}}\n"
    if k == 6:
        return f"\tpassword := cfg.Database.Password // read from the secret store\n\tdsn := fmt.Sprintf(\"%s:%s@tcp(%s)/%s\", user, password, host, name)\n"
    if k == 7:
        return f"\tlog.Info().Str(\"{g.w()}\", {v}).Int(\"count\", {g.num()}).Msg(\"{g.sentence()}\")\n"
    if k == 8:
        return f"\tconst {g.camel()}Digest = \"sha256:{g.hexs(64)}\"\n"
    if k == 9:
        return f"\nfunc Test{fn}(t *testing.T) {{\n\tgot := {fn}({g.num()})\n\tif got != {g.num()} {{\n\t\tt.Fatalf(\"got %d\", got)\n\t}}\n}}\n"
    return f"\tsecretRef := \"{g.w()}-credentials\"\n\tvar ErrNo{cls} = errors.New(\"{g.w()} not found\")\n"


def js_snippet(g):
    r = g.r
    k = pick(r, 10, (2, 4, 6, 8))
    v, a, fn = g.camel(), g.w(), g.camel()
    if k == 0:
        return f"import {{ {g.pascal()}, {g.camel()} }} from '../{g.w()}/{g.w()}.js';\nconst {v} = require('{g.w()}');\n"
    if k == 1:
        return (f"\nexport async function {fn}({a}, options = {{}}) {{\n  // {g.sentence()}\n"
                f"  const {v} = await {g.camel()}.{g.camel()}({a}, {{ timeout: {g.num()} }});\n"
                f"  if (!{v}) {{\n    throw new Error('{g.sentence()}');\n  }}\n  return {v};\n}}\n")
    if k == 2:
        return f"  const apiKey = process.env.{g.env()}_API_KEY;\n  headers['x-api-key'] = apiKey;\n"
    if k == 3:
        return f"  const res = await fetch(`https://{r.choice(HOSTS)}/api/{g.w()}/${{{a}}}`, {{ method: 'POST' }});\n"
    if k == 4:
        return f"  \"integrity\": \"sha512-{g.chars(B64, 86)}==\",\n  \"resolved\": \"https://registry.example.com/{g.w()}/-/{g.w()}-{g.ver()}.tgz\",\n"
    if k == 5:
        return f"  {v}.on('{g.w()}', ({a}) => {{\n    console.log('{g.sentence()}', {a});\n  }});\n"
    if k == 6:
        return f"  const token = localStorage.getItem('{g.w()}Token');\n  if (!token) return redirect('/login');\n"
    if k == 7:
        return f"\ndescribe('{fn}', () => {{\n  it('{g.sentence()}', async () => {{\n    expect(await {fn}({g.num()})).toBe({g.num()});\n  }});\n}});\n"
    if k == 8:
        return f"  const password = form.elements.password.value;\n  if (password.length < {r.randint(8, 14)}) showError('{g.sentence()}');\n"
    return f"  // {g.sentence()}\n  let {v} = [{g.num()}, {g.num()}, {g.num()}];\n"


def yaml_snippet(g):
    r = g.r
    k = pick(r, 8, (2, 5, 6))
    name = f"{g.w()}-{g.w()}"
    if k == 0:
        return (f"---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  labels:\n"
                f"    app: {name}\n    team: {r.choice(TEAMS)}\nspec:\n  replicas: {r.randint(1, 6)}\n")
    if k == 1:
        return (f"      containers:\n        - name: {name}\n          image: registry.example.com/{name}:{g.ver()}\n"
                f"          ports:\n            - containerPort: {r.choice([80, 8080, 9090, 3000])}\n")
    if k == 2:
        return (f"          env:\n            - name: {g.env()}_PASSWORD\n              valueFrom:\n"
                f"                secretKeyRef:\n                  name: {name}-secret\n                  key: password\n")
    if k == 3:
        return f"          resources:\n            limits:\n              cpu: {r.randint(1, 4)}00m\n              memory: {r.choice([128, 256, 512])}Mi\n"
    if k == 4:
        return f"  {g.snake()}: {g.num()}\n  {g.snake()}: \"{g.w()}\"\n  # {g.sentence()}\n"
    if k == 5:
        return (f"jobs:\n  {g.w()}:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@{g.hexs(40)}\n"
                f"      - run: make {g.w()}\n        env:\n          GITHUB_TOKEN: ${{{{ secrets.GITHUB_TOKEN }}}}\n")
    if k == 6:
        return f"  database:\n    host: {r.choice(HOSTS)}\n    user: {g.w()}\n    password: changeme  # replaced at deploy time\n"
    return f"  {g.snake()}:\n    enabled: {r.choice(['true', 'false'])}\n    url: https://{r.choice(HOSTS)}/{g.w()}\n"


def tf_snippet(g):
    r = g.r
    k = pick(r, 7, (1, 6))
    name = g.snake()
    if k == 0:
        return (f"\nresource \"aws_s3_bucket\" \"{name}\" {{\n  bucket = \"{name.replace('_', '-')}-{r.choice(ENVS)}\"\n\n"
                f"  tags = {{\n    Team = \"{r.choice(TEAMS)}\"\n    Env  = \"{r.choice(ENVS)}\"\n  }}\n}}\n")
    if k == 1:
        return f"\nvariable \"{name}_password\" {{\n  type      = string\n  sensitive = true\n  description = \"{g.sentence()}\"\n}}\n"
    if k == 2:
        return (f"\nmodule \"{name}\" {{\n  source  = \"git::https://git.example.com/infra/{g.w()}.git?ref=v{g.ver()}\"\n"
                f"  db_password = var.{name}_password\n  instance_count = {r.randint(1, 9)}\n}}\n")
    if k == 3:
        return (f"\nresource \"aws_iam_role\" \"{name}\" {{\n  name = \"{name}\"\n  assume_role_policy = jsonencode({{\n"
                f"    Version = \"2012-10-17\"\n    Statement = [{{ Action = \"sts:AssumeRole\", Effect = \"Allow\" }}]\n  }})\n}}\n")
    if k == 4:
        return f"\noutput \"{name}_arn\" {{\n  value = aws_iam_role.{name}.arn\n}}\n"
    if k == 5:
        return f"# {g.sentence()}\nlocals {{\n  {name} = \"{g.w()}-{r.choice(ENVS)}\"\n}}\n"
    return (f"\ndata \"aws_secretsmanager_secret_version\" \"{name}\" {{\n  secret_id = \"{g.w()}/{g.w()}/password\"\n}}\n")


def md_snippet(g):
    r = g.r
    k = pick(r, 7, (2, 3, 5))
    if k == 0:
        return f"\n## {g.w().title()} {g.w()}\n\n{g.sentence()} {g.sentence()} {g.sentence()}\n"
    if k == 1:
        return f"\n- {g.sentence()}\n- {g.sentence()}\n- {g.sentence()}\n"
    if k == 2:
        return (f"\n```bash\nexport {g.env()}_TOKEN=$(vault read -field=token secret/{g.w()})\n"
                f"curl -H \"Authorization: Bearer $TOKEN\" https://{r.choice(HOSTS)}/api/{g.w()}\n```\n")
    if k == 3:
        return (f"\nUse your own credentials; the example key from the AWS documentation is\n"
                f"`AKIAIOSFODNN7EXAMPLE` with `wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`.\n")
    if k == 4:
        return f"\n| {g.w()} | {g.w()} | {g.num()} |\n| {g.w()} | {g.w()} | {g.num()} |\n"
    if k == 5:
        return f"\nSet `password` in `config/{g.w()}.yaml` (see [{g.w()}](https://docs.example.com/{g.w()})). {g.sentence()}\n"
    return f"\n{g.sentence()} {g.sentence()}\n"


SNIPPETS = {"py": py_snippet, "go": go_snippet, "js": js_snippet,
            "yaml": yaml_snippet, "tf": tf_snippet, "md": md_snippet}
HEADERS = {
    "py": lambda g: f"\"\"\"{g.sentence()}\"\"\"\n\nimport os\nimport logging\n\nlogger = logging.getLogger(__name__)\n",
    "go": lambda g: f"// Package {g.w()} {g.sentence()}\npackage {g.w()}\n",
    "js": lambda g: f"'use strict';\n// {g.sentence()}\n",
    "yaml": lambda g: f"# {g.sentence()}\n",
    "tf": lambda g: f"# {g.sentence()}\nterraform {{\n  required_version = \">= 1.5\"\n}}\n",
    "md": lambda g: f"# {g.w().title()} {g.w()}\n\n{g.sentence()}\n",
}

# ---------------------------------------------------------------- secrets


def aws_key_id(g):
    return "AKIA" + g.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)


def github_token(g):
    body = g.chars(B62, 30)
    crc = zlib.crc32(body.encode()) & 0xFFFFFFFF
    s = ""
    while crc:
        crc, d = divmod(crc, 62)
        s = B62[d] + s
    return "ghp_" + body + s.rjust(6, "0")


def slack_webhook(g):
    return ("https://hooks.slack.com/services/T" + g.chars(string.ascii_uppercase + string.digits, 10)
            + "/B" + g.chars(string.ascii_uppercase + string.digits, 10) + "/" + g.chars(string.ascii_letters + string.digits, 24))


def pem_body(g):
    lines = ["MIIEowIBAAKCAQEA" + g.chars(B64, 48)]
    lines += [g.chars(B64, 64) for _ in range(23)]
    lines.append(g.chars(B64, 40) + "==")
    return lines


def password_value(g):
    return g.chars(PW_CHARS, g.r.randint(14, 24))


def db_url(g):
    user = g.w()
    pw = g.chars(string.ascii_letters + string.digits, g.r.randint(14, 22))
    scheme, port = g.r.choice([("postgres", 5432), ("postgresql", 5432), ("mysql", 3306), ("mongodb", 27017)])
    # real-looking hosts: scanners rightly skip documentation hosts such as example.com
    if g.r.random() < 0.5:
        host = f"{g.w()}-db.{g.r.choice(ENVS)}.internal"
    else:
        host = f"{g.w()}-{g.r.choice(ENVS)}.c{g.chars(string.ascii_lowercase + string.digits, 12)}.us-east-1.rds.amazonaws.com"
    return f"{scheme}://{user}:{pw}@{host}:{port}/{g.w()}", pw


def secret_snippet(g, ext, kind):
    """(text, [(line offset of the start, line offset of the end, kind, value or values)])"""
    r = g.r
    if kind == "aws":
        kid, sk = aws_key_id(g), g.chars(B64, 40)
        form = {
            "py": "AWS_ACCESS_KEY_ID = \"{}\"\nAWS_SECRET_ACCESS_KEY = \"{}\"\n",
            "go": "\tawsAccessKeyID     = \"{}\"\n\tawsSecretAccessKey = \"{}\"\n",
            "js": "const AWS_ACCESS_KEY_ID = '{}';\nconst AWS_SECRET_ACCESS_KEY = '{}';\n",
            "yaml": "  aws_access_key_id: {}\n  aws_secret_access_key: {}\n",
            "tf": "  access_key = \"{}\"\n  secret_key = \"{}\"\n",
            "md": "aws_access_key_id = {}\naws_secret_access_key = {}\n",
        }[ext]
        pre = {"tf": "\nprovider \"aws\" {\n  region     = \"us-east-1\"\n", "md": "\n```ini\n[default]\n"}.get(ext, "\n")
        post = {"tf": "}\n", "md": "```\n"}.get(ext, "")
        base = pre.count("\n")
        return pre + form.format(kid, sk) + post, [(base, base + 1, "aws-key-pair", (kid, sk))]
    if kind == "github":
        t = github_token(g)
        form = {"py": "GITHUB_TOKEN = \"{}\"\n", "go": "\tgithubToken := \"{}\"\n", "js": "const githubToken = '{}';\n",
                "yaml": "  github_token: {}\n", "tf": "  github_token = \"{}\"\n", "md": "    export GITHUB_TOKEN={}\n"}[ext]
        return "\n" + form.format(t), [(1, 1, "github-token", t)]
    if kind == "slack":
        u = slack_webhook(g)
        form = {"py": "SLACK_WEBHOOK_URL = \"{}\"\n", "go": "\tslackWebhook := \"{}\"\n", "js": "const slackWebhook = '{}';\n",
                "yaml": "  slack_webhook: {}\n", "tf": "  webhook_url = \"{}\"\n", "md": "Alerts go to {}\n"}[ext]
        return "\n" + form.format(u), [(1, 1, "slack-webhook", u)]
    if kind == "pem":
        body = pem_body(g)
        begin, end = "-----BEGIN RSA PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----"
        value = "\n".join([begin] + body + [end])
        if ext == "py":
            text = f"\nPRIVATE_KEY = \"\"\"{begin}\n" + "\n".join(body) + f"\n{end}\"\"\"\n"
        elif ext == "go":
            text = f"\nconst privateKey = `{begin}\n" + "\n".join(body) + f"\n{end}`\n"
        elif ext == "js":
            text = f"\nconst privateKey = `{begin}\n" + "\n".join(body) + f"\n{end}`;\n"
        elif ext == "yaml":
            text = "\n  tls.key: |\n" + "\n".join("    " + l for l in [begin] + body + [end]) + "\n"
        elif ext == "tf":
            text = "\n  private_key = <<EOT\n" + "\n".join([begin] + body + [end]) + "\nEOT\n"
        else:
            text = "\n```\n" + "\n".join([begin] + body + [end]) + "\n```\n"
        start = 1 if ext in ("py", "go", "js") else 2
        return text, [(start, start + len(body) + 1, "private-key", value)]
    if kind == "dburl":
        u, _pw = db_url(g)
        form = {"py": "DATABASE_URL = \"{}\"\n", "go": "\tdsn := \"{}\"\n", "js": "const databaseUrl = '{}';\n",
                "yaml": "  database_url: {}\n", "tf": "  connection_string = \"{}\"\n", "md": "    DATABASE_URL={}\n"}[ext]
        return "\n" + form.format(u), [(1, 1, "database-url", u)]
    # generic password
    pw = password_value(g)
    key = r.choice(["password", "db_password", "admin_password", "smtp_password", "passwd"])
    form = {"py": "{} = \"{}\"\n", "go": "\t{} := \"{}\"\n", "js": "const {} = \"{}\";\n",
            "yaml": "  {}: \"{}\"\n", "tf": "  {} = \"{}\"\n", "md": "    {} = \"{}\"\n"}[ext]
    if ext in ("go", "js"):
        key = "".join(p if i == 0 else p.title() for i, p in enumerate(key.split("_")))
    return "\n" + form.format(key, pw), [(1, 1, "password", pw)]


KINDS = ["aws", "github", "slack", "pem", "dburl", "password"]
EXT_WEIGHTS = [("py", 25), ("go", 20), ("js", 20), ("yaml", 15), ("tf", 10), ("md", 10)]
POOL = 4000          # distinct snippets per language
PLANT_ONE_IN = 20    # files


def folder_for(g, ext, svc):
    r = g.r
    if ext == "py":
        return os.path.join(svc, svc.split("/")[-1].replace("-", "_"), g.w(), *([g.w()] if r.random() < 0.4 else []))
    if ext == "go":
        return os.path.join(svc, r.choice(["internal", "pkg", "cmd"]), g.w(), *([g.w()] if r.random() < 0.3 else []))
    if ext == "js":
        return os.path.join(svc, "web", "src", r.choice(["components", "api", "lib", "pages"]), g.w())
    if ext == "yaml":
        return os.path.join(svc, "deploy", r.choice(["k8s", "helm/templates", "ci", "config"]), r.choice(ENVS))
    if ext == "tf":
        return os.path.join(svc, "infra", "terraform", r.choice(ENVS), g.w())
    return os.path.join(svc, "docs", *([g.w()] if r.random() < 0.5 else []))


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1].rstrip("/")
    size_mb = int(sys.argv[2]) if len(sys.argv) > 2 else 1024
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    target = size_mb * 1_000_000
    rng = random.Random(seed)
    g = Gen(rng)
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)

    pools = {}
    for ext, fn in SNIPPETS.items():
        pool = [fn(g) for _ in range(POOL)]
        pools[ext] = (pool, [len(s.encode()) for s in pool], [s.count("\n") for s in pool])
    exts = [e for e, _ in EXT_WEIGHTS]
    weights = [w for _, w in EXT_WEIGHTS]
    services = [f"{g.w()}-{g.w()}/{g.w()}-{g.w()}-{i}" for i in range(max(8, size_mb // 4))]
    lo, hi = math.log(2_000), math.log(200_000)
    used = set()
    planted = []
    written = 0
    files = 0
    while written < target:
        ext = rng.choices(exts, weights)[0]
        want = int(math.exp(rng.uniform(lo, hi)))
        folder = folder_for(g, ext, rng.choice(services))
        while True:
            name = os.path.join(folder, f"{g.snake(rng.randint(1, 2))}.{ext}")
            if name not in used:
                used.add(name)
                break
        pool, sizes, nlines = pools[ext]
        header = HEADERS[ext](g)
        parts, lines_per, size = [header], [header.count("\n")], len(header)
        # about 60 bytes a line, so draw in batches
        while size < want:
            idx = rng.choices(range(POOL), k=max(1, (want - size) // 150))
            for i in idx:
                parts.append(pool[i])
                lines_per.append(nlines[i])
                size += sizes[i]
                if size >= want:
                    break
        if rng.randrange(PLANT_ONE_IN) == 0:
            kind = rng.choice(KINDS)
            text, secrets = secret_snippet(g, ext, kind)
            at = rng.randint(1, len(parts))
            first_line = 1 + sum(lines_per[:at])
            parts.insert(at, text)
            for s, e, k, values in secrets:
                values = values if isinstance(values, tuple) else (values,)
                h = ",".join("sha256:" + hashlib.sha256(v.encode()).hexdigest()[:16] for v in values)
                planted.append((name, first_line + s, first_line + e, k, h))
        data = "".join(parts).encode()
        path = os.path.join(out, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        written += len(data)
        files += 1
    with open(out + ".planted.tsv", "w") as f:
        f.write("# path\tline\tend_line\tkind\thash\n")
        for row in planted:
            f.write("\t".join(str(x) for x in row) + "\n")
    print(f"{out}: {files} files, {written} bytes, {len(planted)} planted secrets in {out}.planted.tsv")


if __name__ == "__main__":
    main()
