from gradkit._cli import main

main(prog_name="gradkit")
