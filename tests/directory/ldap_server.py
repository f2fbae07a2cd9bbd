"""A throw-away OpenLDAP server (Debian's slapd) for the directory tests.

It listens on a private loopback port, keeps its database in a temporary folder and is
seeded from the LDIF built below: the city's people (with Active-Directory-style
phonetic name attributes), two role groups, a service account for searches and one
account locked by the password policy (a disabled account: the server refuses its bind).
"""

from __future__ import annotations

import base64
import shutil
import subprocess
from dataclasses import dataclass, field

from tests.processes import ServerProcess

SUFFIX = "dc=city,dc=moka,dc=example"
SERVICE_DN = f"cn=dx-portal,ou=services,{SUFFIX}"
SERVICE_PASSWORD = "service-secret"
PEOPLE = f"ou=people,{SUFFIX}"
GROUPS = f"ou=groups,{SUFFIX}"
ORGANISER_GROUP = f"cn=DX推進担当,{GROUPS}"
HR_GROUP = f"cn=人事課人事係,{GROUPS}"

# Our own private OIDs (1.3.6.1.4.1.99999 is not a real enterprise arc): the attribute
# names are those Active Directory uses for readings, so the mapping is configured the
# same way as against the city's AD.
PHONETIC_SCHEMA = """
attributetype ( 1.3.6.1.4.1.99999.1.1 NAME 'msDS-PhoneticLastName'
  EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch
  SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.3.6.1.4.1.99999.1.2 NAME 'msDS-PhoneticFirstName'
  EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch
  SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
objectclass ( 1.3.6.1.4.1.99999.2.1 NAME 'mokaPhoneticPerson' AUXILIARY
  MAY ( msDS-PhoneticLastName $ msDS-PhoneticFirstName ) )
"""

SLAPD_CONF = """
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
include {dir}/phonetic.schema
pidfile {dir}/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload ppolicy
database mdb
maxsize 10485760
suffix "{suffix}"
rootdn "cn=admin,{suffix}"
rootpw admin-secret
directory {dir}/data
overlay ppolicy
ppolicy_default "cn=default,ou=policies,{suffix}"
access to attrs=userPassword by self write by anonymous auth by * none
access to * by dn.exact="{service}" read by self read by * none
"""


@dataclass
class Person:
    uid: str
    password: str
    sn: str
    given: str
    sn_kana: str
    given_kana: str
    mail: str
    department: str
    title: str
    locked: bool = False
    groups: list[str] = field(default_factory=list)

    @property
    def dn(self) -> str:
        return f"uid={self.uid},{PEOPLE}"


DEFAULT_PEOPLE = [
    Person("70001", "pass-70001", "山田", "花子", "ヤマダ", "ハナコ", "yamada@city.moka.example.jp",
           "D-SOMU", "主任"),
    Person("70002", "pass-70002", "石井", "学", "イシイ", "マナブ", "ishii@city.moka.example.jp",
           "D-DIGI", "係長", groups=[ORGANISER_GROUP]),
    Person("70003", "pass-70003", "佐野", "光", "サノ", "ヒカル", "sano@city.moka.example.jp",
           "D-JINJI", "課長補佐", groups=[HR_GROUP]),
    Person("70004", "pass-70004", "休職", "太郎", "キュウショク", "タロウ",
           "kyushoku@city.moka.example.jp", "D-SOMU", "主事", locked=True),
]


def _line(attr: str, value: str) -> str:
    """An LDIF line; non-ASCII values are base64 (RFC 2849)."""
    if value.isascii() and not value.startswith((" ", ":", "<")):
        return f"{attr}: {value}"
    return f"{attr}:: {base64.b64encode(value.encode()).decode()}"


def seed_ldif(people: list[Person]) -> str:
    entries = [
        [_line("dn", SUFFIX), "objectClass: dcObject", "objectClass: organization",
         "dc: city", "o: Moka City"],
        *[[_line("dn", f"ou={ou},{SUFFIX}"), "objectClass: organizationalUnit", f"ou: {ou}"]
          for ou in ("people", "groups", "services", "policies")],
        [_line("dn", f"cn=default,ou=policies,{SUFFIX}"), "objectClass: person",
         "objectClass: pwdPolicy", "cn: default", "sn: policy", "pwdAttribute: userPassword",
         "pwdLockout: TRUE"],
        [_line("dn", SERVICE_DN), "objectClass: person", "cn: dx-portal", "sn: service",
         _line("userPassword", SERVICE_PASSWORD)],
    ]
    for p in people:
        entry = [
            _line("dn", p.dn), "objectClass: inetOrgPerson", "objectClass: mokaPhoneticPerson",
            _line("uid", p.uid), _line("cn", f"{p.sn} {p.given}"), _line("sn", p.sn),
            _line("givenName", p.given), _line("msDS-PhoneticLastName", p.sn_kana),
            _line("msDS-PhoneticFirstName", p.given_kana), _line("mail", p.mail),
            _line("departmentNumber", p.department), _line("title", p.title),
            _line("userPassword", p.password),
        ]
        if p.locked:
            entry.append("pwdAccountLockedTime: 000001010000Z")
        entries.append(entry)
    for group in (ORGANISER_GROUP, HR_GROUP):
        members = [p.dn for p in people if group in p.groups] or [SERVICE_DN]
        cn = group.split(",")[0].removeprefix("cn=")
        entries.append(
            [_line("dn", group), "objectClass: groupOfNames", _line("cn", cn),
             *[_line("member", m) for m in members]]
        )
    return "\n\n".join("\n".join(e) for e in entries) + "\n"


class Slapd(ServerProcess):
    """slapd on 127.0.0.1:<private port>, seeded, stopped and removed by `stop()`."""

    name = "slapd"

    def __init__(self, people: list[Person] | None = None):
        super().__init__("moka_slapd_")
        self.people = people or DEFAULT_PEOPLE

    @property
    def uri(self) -> str:
        return f"ldap://127.0.0.1:{self.port}"

    def start(self) -> Slapd:
        if not shutil.which("slapd", path="/usr/sbin:/usr/bin"):
            raise RuntimeError("slapd is not installed (make test installs it)")
        (self.dir / "data").mkdir()
        (self.dir / "phonetic.schema").write_text(PHONETIC_SCHEMA)
        conf = self.dir / "slapd.conf"
        conf.write_text(SLAPD_CONF.format(dir=self.dir, suffix=SUFFIX, service=SERVICE_DN))
        ldif = self.dir / "seed.ldif"
        ldif.write_text(seed_ldif(self.people), encoding="utf-8")
        subprocess.run(
            ["/usr/sbin/slapadd", "-f", str(conf), "-l", str(ldif)],
            check=True, capture_output=True,
        )
        self.spawn(["/usr/sbin/slapd", "-f", str(conf), "-h", self.uri, "-d", "0"])
        self.wait_until(self.accepts_connections, 15)
        return self

    def modify(self, ldif: str) -> None:
        """Change the directory as its administrators would (ldapmodify as the root DN)."""
        subprocess.run(
            ["ldapmodify", "-x", "-H", self.uri, "-D", f"cn=admin,{SUFFIX}", "-w",
             "admin-secret"],
            input=ldif.encode(), check=True, capture_output=True,
        )
