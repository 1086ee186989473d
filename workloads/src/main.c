#include "daxwl.h"

int main(int argc, char **argv)
{
	return daxwl_main(argc - 1, argv + 1);
}
