from gradkit._cli import main

if __name__ == "__main__":  # `python -m gradkit`; importing the module runs nothing
    main(prog_name="gradkit")
