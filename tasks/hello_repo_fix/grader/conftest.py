# The package under test lives in the workspace. It is appended (not prepended) to the
# import path so that a file in the workspace cannot shadow pytest or the standard library.
import sys

sys.path.append("/workspace")
