#include "CCursesShim.h"
