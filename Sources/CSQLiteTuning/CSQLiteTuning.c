#include "CSQLiteTuning.h"
