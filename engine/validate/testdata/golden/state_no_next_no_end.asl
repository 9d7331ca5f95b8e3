{
 "StartAt": "A",
 "States": {
  "A": {
   "Type": "Pass"
  }
 }
}