# The service under test lives in the workspace: appended, not prepended, so the workspace cannot
# shadow pytest, pandas or the standard library.
import sys

sys.path.append("/workspace")
