"""Where taskflow keeps an engine's flows on SQLite: a file of its own."""

from protector.engine import persistence


def test_sqlite_gets_a_file_of_its_own_keeping_the_query(conf):
    conf.set_override("connection", "sqlite:////tmp/p.sqlite?timeout=60", "database")
    assert persistence._connection() == "sqlite:////tmp/p.sqlite.taskflow?timeout=60"
    conf.set_override("connection", "sqlite:////tmp/p.sqlite", "database")
    assert persistence._connection() == "sqlite:////tmp/p.sqlite.taskflow"
    conf.set_override("connection", "mysql+pymysql://root:@127.0.0.1/protector", "database")
    assert persistence._connection() == "mysql+pymysql://root:@127.0.0.1/protector"
