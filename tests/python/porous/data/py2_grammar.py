# Test data in Python 2's syntax: never imported as code.
print "hello"
exec "x = 1"
