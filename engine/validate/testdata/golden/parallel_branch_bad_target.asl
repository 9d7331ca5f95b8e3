{
 "StartAt": "P",
 "States": {
  "P": {
   "Type": "Parallel",
   "Branches": [
    {
     "StartAt": "A",
     "States": {
      "A": {
       "Type": "Pass",
       "Next": "P"
      }
     }
    }
   ],
   "End": true
  }
 }
}